package io.tradelake.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One local SparkSession for the whole test JVM: local[2], few shuffle partitions, no UI, bound to loopback,
 * real Delta. Stopped by a shutdown hook when the JVM ends.
 */
public final class SharedSpark implements ParameterResolver {

  private static SparkSession spark;

  public static synchronized SparkSession session() {
    if (spark == null) {
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
          .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
          .config("spark.sql.warehouse.dir", System.getProperty("java.io.tmpdir") + "/tradelake-test-warehouse")
          .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      SparkSession s = spark;
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
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
