// Shared set-up of the TradeLake notebooks, loaded by each one's first cell with `%load setup.jsh`:
// logging, a local Spark session with Delta, where the tables are, and where charts go.

// The kernel sets java.util.logging's root level to FINEST, which breaks Spark's code generation.
java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);

import java.nio.file.*;
import java.util.stream.*;
import org.apache.spark.sql.*;
import org.apache.spark.sql.types.*;
import static org.apache.spark.sql.functions.*;
import org.knowm.xchart.*;
import org.knowm.xchart.style.*;

// Project root: set by the kernel's launcher; else the notebook's folder's parent.
Path projectDir = Paths.get(System.getenv().getOrDefault("TRADELAKE_PROJECT_DIR", "..")).toAbsolutePath().normalize();

Path projectPath(String envName, String fallback) {
  return projectDir.resolve(System.getenv().getOrDefault(envName, fallback)).normalize();
}

// The warehouse the pipeline wrote (bin/tradelake run --warehouse ...), the landing area it read (for the
// generator's _truth/manifest.json), and the folder the charts are written to.
Path warehouse = projectPath("TRADELAKE_WAREHOUSE", "warehouse");
Path landing = projectPath("TRADELAKE_INPUT", "data-sample");
Path chartsDir = projectPath("TRADELAKE_NOTEBOOK_OUT", "notebooks/out");

SparkSession spark = SparkSession.builder()
    .appName("tradelake-notebook")
    .master("local[2]")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .config("spark.sql.shuffle.partitions", "4")
    .config("spark.default.parallelism", "4")
    .config("spark.sql.adaptive.enabled", "true")
    // Small tables: Delta's log replay in a few tasks rather than 50 (as in conf/local.conf).
    .config("spark.databricks.delta.snapshotPartitions", "2")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.sql.ansi.enabled", "true")
    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
    .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
    .getOrCreate();

// A gold or model table by name; fails with what to run when the warehouse does not have it.
Dataset<Row> table(String name) {
  Path path = warehouse.resolve(name);
  if (!Files.isDirectory(path.resolve("_delta_log"))) {
    throw new IllegalStateException("no Delta table '" + name + "' in " + warehouse
        + " (set TRADELAKE_WAREHOUSE, or run: bin/tradelake run --warehouse " + warehouse + ")");
  }
  return spark.read().format("delta").load(path.toString());
}

// Writes the chart as <chartsDir>/<name>.png and returns it as an image, so that a cell ending with it shows it.
java.awt.image.BufferedImage savePng(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String name) throws IOException {
  Files.createDirectories(chartsDir);
  BitmapEncoder.saveBitmap(chart, chartsDir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
  System.out.println("wrote " + chartsDir.resolve(name + ".png"));
  return BitmapEncoder.getBufferedImage(chart);
}

// Side by side, one PNG: for a chart next to another.
java.awt.image.BufferedImage savePng(String name, org.knowm.xchart.internal.chartpart.Chart<?, ?>... charts) throws IOException {
  List<java.awt.image.BufferedImage> images = new ArrayList<>();
  for (var c : charts) {
    images.add(BitmapEncoder.getBufferedImage(c));
  }
  int width = images.stream().mapToInt(java.awt.image.BufferedImage::getWidth).sum();
  int height = images.stream().mapToInt(java.awt.image.BufferedImage::getHeight).max().orElse(1);
  var out = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
  var g = out.createGraphics();
  g.setColor(java.awt.Color.WHITE);
  g.fillRect(0, 0, width, height);
  int x = 0;
  for (var image : images) {
    g.drawImage(image, x, 0, null);
    x += image.getWidth();
  }
  g.dispose();
  Files.createDirectories(chartsDir);
  javax.imageio.ImageIO.write(out, "png", chartsDir.resolve(name + ".png").toFile());
  System.out.println("wrote " + chartsDir.resolve(name + ".png"));
  return out;
}

System.out.println("warehouse " + warehouse + "\ncharts    " + chartsDir + "\nSpark     " + spark.version());
