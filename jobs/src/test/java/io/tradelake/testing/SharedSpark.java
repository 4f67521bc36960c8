package io.tradelake.testing;

import io.tradelake.runtime.NioLocalFileSystem;
import io.tradelake.runtime.NioLocalFs;
import io.tradelake.runtime.StageSqlConf;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One local SparkSession for the whole test JVM: local[2], few shuffle partitions, no UI, bound to loopback,
 * real Delta. Stopped by a shutdown hook when the JVM ends.
 *
 * <p>Expressions are interpreted, not compiled: on a test's few rows compiling the generated code (Janino) was a
 * fifth of the CPU time, and the suite ran in two thirds of the time without it. Compiled code is still tested:
 * {@link #compiledCode} turns it on for a block (PaperFiguresReproducedTest's 200,000-event run), and the cluster
 * test compares a production-configured run on a cluster with an interpreted local run, row for row.
 */
public final class SharedSpark implements ParameterResolver {

  private static final String WHOLE_STAGE = "spark.sql.codegen.wholeStage";
  private static final String FACTORY_MODE = "spark.sql.codegen.factoryMode";

  private static SparkSession spark;

  /** Spark's production code generation (whole-stage, compiled expressions) until {@code close()}. */
  public static StageSqlConf compiledCode(SparkSession spark) {
    return StageSqlConf.apply(spark, Map.of(WHOLE_STAGE, "true", FACTORY_MODE, "FALLBACK"));
  }

  public static synchronized SparkSession session() {
    if (spark == null) {
      // One per test JVM: surefire runs test classes in two JVMs at once.
      Path warehouse = Path.of(System.getProperty("java.io.tmpdir"),
          "tradelake-test-warehouse-" + ProcessHandle.current().pid());
      spark = SparkSession.builder()
          .master("local[2]")
          .appName("tradelake-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.sql.ansi.enabled", "true")
          .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
          .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
          .config("spark.databricks.delta.snapshotPartitions", "1")
          .config("spark.sql.adaptive.enabled", "true")
          .config(WHOLE_STAGE, "false")
          .config(FACTORY_MODE, "NO_CODEGEN")
          .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
          .config("spark.sql.warehouse.dir", warehouse.toString())
          .config("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName())
          .config("spark.hadoop.fs.AbstractFileSystem.file.impl", NioLocalFs.class.getName())
          .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      SparkSession s = spark;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        s.stop();
        try {
          Dirs.deleteRecursively(warehouse);
        } catch (IOException ignored) {
          // a temporary directory: the system's cleaner gets it
        }
      }));
    }
    return spark;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return session();
  }
}
