package io.tradelake.generate;

import static org.apache.spark.sql.functions.col;

import io.tradelake.clean.FxRates;
import io.tradelake.config.Settings;
import io.tradelake.table.Tables;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.ForeachFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates a landing area of synthetic raw logs, {@code <output>/<layout>/<yyyy-mm-dd>/<file>}, calibrated
 * to China's published cross-border e-commerce retail series, with planted dirt and its ground truth in
 * {@code <output>/_truth/} (manifest.json, buyers.csv).
 *
 * <p>The work runs in Spark tasks: a dataset of month numbers ({@code spark.range}) is flat-mapped into the
 * lines their days produce ({@link DayGenerator}, random streams seeded per day), the lines are shuffled to their files and
 * each file is written, in sort-key order, by one task. Nothing depends on partitioning, so the same seed
 * gives byte-identical files with any number of partitions or cores.
 */
public final class TradeLogGenerator {

  private static final Logger LOG = LoggerFactory.getLogger(TradeLogGenerator.class);
  public static final String TRUTH = "_truth";
  public static final String MANIFEST = "manifest.json";
  public static final String BUYERS = "buyers.csv";

  /** What a run wrote. */
  public record Result(String output, long cleanEvents, long lines, long files, long bytes, BigDecimal scale,
      long millis, Map<String, Object> manifest) {}

  private TradeLogGenerator() {}

  /**
   * Generates into {@code output}, which must be empty or missing (or is cleared first with
   * {@code overwrite}). FX rates, the reporting time zone and currency come from the pipeline's settings, so
   * the values the generator states are the ones the pipeline computes.
   */
  public static Result run(SparkSession spark, GeneratorSettings g, Settings pipeline, String output,
      boolean overwrite) {
    long started = System.currentTimeMillis();
    if (!pipeline.reportingCurrency().equals(Catalog.HOME_CURRENCY) || !pipeline.reportingCountry().equals(Catalog.HOME)) {
      throw new IllegalArgumentException("the generator reports from China: reporting-currency must be CNY "
          + "and reporting-country CN");
    }
    String root = Tables.absolute(output);
    SerializableConfiguration conf = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
    prepare(new Path(root), conf, overwrite);

    spark.sparkContext().setJobDescription("generate: load FX rates");
    FxTable fx = FxTable.of(FxRates.load(spark, pipeline.fxRatesFile()).collectAsList(), pipeline.fxMaxRateAgeDays(),
        pipeline.reportingCurrency());
    fx.requireCoverage(currencies(), g.start(), g.end());
    Calibration cal = Calibration.of(g);
    BuyerPopulation pop = BuyerPopulation.of(g, cal);
    DayGenerator days = new DayGenerator(g, cal, fx, pop, ZoneId.of(pipeline.reportingTimeZone()));
    int partitions = g.partitions() > 0 ? g.partitions() : spark.sparkContext().defaultParallelism();
    long months = DayGenerator.months(g);
    LOG.info("generate: {} … {} ({} months), ~{} events, scale {} RMB per generated CNY, {} buyers, {} partitions",
        g.start(), g.end(), months, g.events(), cal.scale.toPlainString(), pop.size(), partitions);

    Dataset<GenLine> lines = spark.range(0, months, 1, (int) Math.max(1, Math.min(partitions, months)))
        .flatMap(new GenerateMonth(days), Encoders.bean(GenLine.class))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      spark.sparkContext().setJobDescription("generate: write day files");
      List<FileStat> files = lines.select("layout", "folder", "file", "sortKey", "text")
          .repartition(partitions, col("layout"), col("folder"), col("file"))
          .sortWithinPartitions("layout", "folder", "file", "sortKey")
          .mapPartitions(new OutputFiles.WriteFiles(root, g.seed(), g.dirt().bomFile(), g.dirt().truncatedGzip(), conf),
              Encoders.bean(FileStat.class))
          .collectAsList();
      spark.sparkContext().setJobDescription("generate: write the buyers' truth file");
      String buyersPath = new Path(new Path(root, TRUTH), BUYERS).toString();
      spark.range(0, 1, 1, 1).foreach((ForeachFunction<Long>) i ->
          OutputFiles.writeBuyers(pop, new Path(buyersPath), conf));
      spark.sparkContext().setJobDescription("generate: count what was written");
      Map<String, Object> manifest = Manifest.build(lines, files, g, cal, pop, pipeline.fxRatesFile());
      writeText(new Path(new Path(root, TRUTH), MANIFEST), Json.write(manifest), conf);
      @SuppressWarnings("unchecked")
      Map<String, Object> totals = (Map<String, Object>) manifest.get("totals");
      return new Result(root, (Long) totals.get("clean_events"), (Long) totals.get("lines_written"), files.size(),
          (Long) totals.get("bytes_written"), cal.scale, System.currentTimeMillis() - started, manifest);
    } finally {
      lines.unpersist(true); // blocking: the session may stop right after
    }
  }

  /** Every currency the generator may quote in. */
  static Set<String> currencies() {
    Set<String> c = new LinkedHashSet<>();
    c.add(Catalog.HOME_CURRENCY);
    c.add("USD");
    Catalog.EXPORT_MARKETS.forEach(m -> c.add(m.currency()));
    Catalog.IMPORT_MARKETS.forEach(m -> c.add(m.currency()));
    return c;
  }

  /**
   * A month number (0: the month of the start day) → the lines of its days, made one day at a time. A
   * month is the unit because the value budget is carried from day to day within it.
   */
  static final class GenerateMonth implements FlatMapFunction<Long, GenLine> {
    private final DayGenerator days;

    GenerateMonth(DayGenerator days) {
      this.days = days;
    }

    @Override
    public Iterator<GenLine> call(Long month) {
      return days.month(month);
    }
  }

  private static void prepare(Path root, SerializableConfiguration conf, boolean overwrite) {
    try {
      FileSystem fs = root.getFileSystem(conf.value());
      if (!fs.exists(root)) {
        return;
      }
      FileStatus[] children = fs.listStatus(root);
      if (children.length == 0) {
        return;
      }
      if (!overwrite) {
        throw new IllegalArgumentException("output folder " + root + " is not empty (use --overwrite)");
      }
      for (FileStatus c : children) {
        String name = c.getPath().getName();
        if (name.equals(GeneratorSettings.SHOPLINE) || name.equals(GeneratorSettings.GLOBALBUY) || name.equals(TRUTH)) {
          fs.delete(c.getPath(), true);
        } else {
          throw new IllegalArgumentException("output folder " + root + " holds " + name
              + ", which the generator did not write: not overwriting");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + root + ": " + e.getMessage(), e);
    }
  }

  static void writeText(Path file, String text, SerializableConfiguration conf) {
    try (OutputStream out = OutputFiles.create(file, conf)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
