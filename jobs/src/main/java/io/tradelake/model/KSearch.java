package io.tradelake.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.tradelake.config.Settings;
import io.tradelake.runtime.JobContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits the pipeline once per candidate k and keeps the best by silhouette. Fitting, assignment and the
 * silhouette are Spark jobs over the (persisted) training rows; the driver sees only models and scores.
 */
public final class KSearch {

  private static final Logger LOG = LoggerFactory.getLogger(KSearch.class);

  /** The chosen model and every candidate's scores. */
  public record Result(PipelineModel model, KChoice choice) {}

  private KSearch() {}

  /** Candidates k-min … min(k-max, rows - 1); the caller checks that at least k-min fits. */
  public static Result run(JobContext ctx, String stage, String what, Dataset<Row> training, long rows,
      Settings.ClusterModel cfg) {
    int kMax = (int) Math.min(cfg.kMax(), rows - 1);
    List<KChoice.Candidate> candidates = new ArrayList<>();
    PipelineModel best = null;
    for (int k = cfg.kMin(); k <= kMax; k++) {
      ctx.describe(stage, "fit " + what + " k=" + k);
      PipelineModel model = ClusteringPipeline.of(cfg, k).fit(training);
      ctx.describe(stage, "score " + what + " k=" + k);
      double silhouette = silhouette(model.transform(training));
      double cost = ClusterAlgorithm.cost(model.stages()[model.stages().length - 1]);
      candidates.add(new KChoice.Candidate(k, silhouette, cost));
      LOG.info("{}: {} k={} silhouette={} cost={}", stage, what, k, silhouette, cost);
      if (new KChoice(candidates).best().k() == k) {
        best = model;
      }
    }
    return new Result(best, new KChoice(candidates));
  }

  /** Training rows per partition in {@link #inStableOrder}: few partitions for few rows (44 markets). */
  static final long ROWS_PER_PARTITION = 100_000;

  /**
   * The training rows hash-partitioned by their keys and sorted within each partition: an order that depends
   * only on the rows, not on how upstream shuffles or files happened to deliver them. k-means|| picks its
   * starting centres by seeded sampling per partition, so with the rows in another order the same seed could
   * give another model (and another k). One partition per {@link #ROWS_PER_PARTITION} of {@code rowCount} (the
   * rows, or a known bound on them: the same for the same data), at most spark.sql.shuffle.partitions.
   */
  public static Dataset<Row> inStableOrder(Dataset<Row> rows, long rowCount, String... keys) {
    Column[] k = Arrays.stream(keys).map(functions::col).toArray(Column[]::new);
    int shufflePartitions = Integer.parseInt(rows.sparkSession().conf().get("spark.sql.shuffle.partitions"));
    int partitions = (int) Math.max(1, Math.min(shufflePartitions, rowCount / ROWS_PER_PARTITION));
    return rows.repartition(partitions, k).sortWithinPartitions(k);
  }

  /** -1 (the worst score) when the fit put every row in one cluster: the silhouette needs two. */
  static double silhouette(Dataset<Row> assigned) {
    try {
      return new ClusteringEvaluator().setFeaturesCol(ClusteringPipeline.SCALED).setPredictionCol("cluster")
          .evaluate(assigned);
    } catch (RuntimeException | AssertionError e) {
      LOG.warn("silhouette not computable ({}): scored -1", e.getMessage());
      return -1;
    }
  }

  /**
   * The model without the features no training row has a value for (a history shorter than two years has no
   * year-on-year growth yet): the imputer has no mean to fill them with, and they would separate nothing.
   * One aggregate: a count per feature reaches the driver.
   */
  public static Settings.ClusterModel withValuedFeatures(Dataset<Row> training, Settings.ClusterModel cfg,
      String stage, String what) {
    Column[] valued = cfg.features().stream()
        .map(f -> count(when(col(f).isNotNull().and(not(isnan(col(f).cast("double")))), lit(1))).as(f))
        .toArray(Column[]::new);
    Row counts = training.agg(valued[0], java.util.Arrays.copyOfRange(valued, 1, valued.length)).first();
    List<String> kept = cfg.features().stream().filter(f -> counts.<Long>getAs(f) > 0).toList();
    if (kept.size() < cfg.features().size()) {
      List<String> left = cfg.features().stream().filter(f -> !kept.contains(f)).toList();
      LOG.warn("{}: {} model: no row has a value for {}; fitted on {}", stage, what, left, kept);
    }
    return cfg.withFeatures(kept);
  }

  /** Whether the rows allow at least k-min clusters (each needs a member, and the silhouette two clusters). */
  public static boolean enoughRows(long rows, Settings.ClusterModel cfg) {
    return Math.min(cfg.kMax(), rows - 1) >= cfg.kMin();
  }
}
