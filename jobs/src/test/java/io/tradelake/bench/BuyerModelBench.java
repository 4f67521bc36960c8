package io.tradelake.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.when;

import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.model.ClusteringPipeline;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Fitting time of the buyer model (the configured pipeline and features) on synthetic buyer_features rows:
 * four behaviour groups drawn with seeded rand/randn, persisted before timing. Prints one line per size:
 * rows, fit at k = 4, silhouette of that fit, and the whole k search over the configured range.
 * Not a test: {@code java … io.tradelake.bench.BuyerModelBench 100000 1000000}.
 */
public final class BuyerModelBench {

  private BuyerModelBench() {}

  public static void main(String[] args) {
    Settings settings = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of()));
    Settings.ClusterModel cfg = settings.buyerModel().model();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("buyer-model-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    boolean search = !Boolean.getBoolean("bench.fixedKOnly");
    for (String arg : args) {
      long rows = Long.parseLong(arg);
      Dataset<Row> buyers = synthetic(spark, rows).persist(StorageLevel.MEMORY_AND_DISK());
      buyers.count();
      long t0 = System.nanoTime();
      PipelineModel model = ClusteringPipeline.of(cfg, 4).fit(buyers);
      long fitMs = (System.nanoTime() - t0) / 1_000_000;
      long t1 = System.nanoTime();
      double silhouette = new ClusteringEvaluator().setFeaturesCol(ClusteringPipeline.SCALED)
          .setPredictionCol("cluster").evaluate(model.transform(buyers));
      long silMs = (System.nanoTime() - t1) / 1_000_000;
      long searchMs = -1;
      if (search) {
        long t2 = System.nanoTime();
        for (int k = cfg.kMin(); k <= cfg.kMax(); k++) {
          PipelineModel m = ClusteringPipeline.of(cfg, k).fit(buyers);
          new ClusteringEvaluator().setFeaturesCol(ClusteringPipeline.SCALED).setPredictionCol("cluster")
              .evaluate(m.transform(buyers));
        }
        searchMs = (System.nanoTime() - t2) / 1_000_000;
      }
      System.out.printf("buyer-model-bench rows=%d algorithm=%s max-iter=%d fit(k=4)=%d ms silhouette=%.3f "
          + "(%d ms) k-search %d..%d=%d ms%n", rows, cfg.algorithm(), cfg.maxIter(), fitMs, silhouette, silMs,
          cfg.kMin(), cfg.kMax(), searchMs);
      buyers.unpersist(true);
    }
    spark.stop();
  }

  /** buyer_features-shaped rows: four groups differing in recency, orders, price level and stocking up. */
  public static Dataset<Row> synthetic(SparkSession spark, long rows) {
    Column group = col("g");
    Column[] cols = {
        col("id").as("buyer_id"),
        greatest(lit(0), pick(group, 60, 330, 175, 140).plus(randn(2).multiply(60))).cast("int").as("recency_days"),
        greatest(lit(1), pick(group, 10, 2, 4, 5).plus(randn(3).multiply(2))).cast("long").as("orders"),
        pick(group, -0.5, 0, 1.0, 0.25).plus(randn(4).multiply(0.3)).as("log_relative_price"),
        greatest(lit(0), pick(group, 28, 28, 28, 90).plus(randn(5).multiply(12))).as("multi_unit_line_pct")};
    return spark.range(0, rows, 1, 4).withColumn("g", floor(rand(1).multiply(4))).select(cols);
  }

  private static Column pick(Column group, double a, double b, double c, double d) {
    return when(group.equalTo(0), a).when(group.equalTo(1), b).when(group.equalTo(2), c).otherwise(d);
  }
}
