package io.tradelake.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;

import io.tradelake.config.Settings;
import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clusters markets by growth profile: imputation, scaling and KMeans in one MLlib pipeline trained on the
 * executors, k chosen by silhouette. Saves the model and writes assignments and readable profiles.
 */
public final class MarketClusteringJob implements Job {

  private static final Logger LOG = LoggerFactory.getLogger(MarketClusteringJob.class);
  public static final String NAME = "model";
  public static final String MODEL_NAME = "market_growth";

  static final Map<String, String[]> LABELS = Map.of(
      "log_gross_value", new String[] {"large", "small"},
      "avg_half_yoy_pct", new String[] {"fast growing", "slow growing"},
      "latest_half_yoy_pct", new String[] {"accelerating", "slowing"},
      "latest_share_pct", new String[] {"high share", "low share"},
      "refund_rate_pct", new String[] {"many refunds", "few refunds"});

  static final StructType RUNS_SCHEMA = new StructType()
      .add("model", DataTypes.StringType)
      .add("run_id", DataTypes.StringType)
      .add("algorithm", DataTypes.StringType)
      .add("k", DataTypes.IntegerType)
      .add("seed", DataTypes.LongType)
      .add("features", DataTypes.createArrayType(DataTypes.StringType))
      .add("candidate_k", DataTypes.createArrayType(DataTypes.IntegerType))
      .add("candidate_silhouette", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("candidate_cost", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("training_rows", DataTypes.LongType)
      .add("model_path", DataTypes.StringType)
      .add("trained_at", DataTypes.TimestampType);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<StageMetrics> run(JobContext ctx) {
    long start = System.currentTimeMillis();
    if (!ctx.tables().exists(Tables.GROWTH_BY_MARKET)) {
      throw new IllegalStateException("no growth_by_market table: run aggregate first");
    }
    Settings.MarketModel cfg = ctx.settings().marketModel();
    ctx.describe(NAME, "market features");
    long featureRows = ctx.tables().overwrite(MarketFeatures.from(ctx.tables().read(Tables.GROWTH_BY_MARKET)),
        Tables.MARKET_FEATURES);
    Dataset<Row> features = ctx.tables().read(Tables.MARKET_FEATURES).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int kMax = (int) Math.min(cfg.kMax(), featureRows - 1);
      if (kMax < cfg.kMin()) {
        LOG.warn("model: {} markets are too few to cluster with k >= {}; skipped", featureRows, cfg.kMin());
        // Nothing enters the model: the markets are counted under the reason, and no cluster table is written.
        return List.of(new StageMetrics(NAME, Tables.MARKET_CLUSTERS, 0, 0, 0, 0,
            Map.of("skipped_too_few_markets", featureRows), System.currentTimeMillis() - start));
      }
      List<KChoice.Candidate> candidates = new ArrayList<>();
      PipelineModel best = null;
      for (int k = cfg.kMin(); k <= kMax; k++) {
        ctx.describe(NAME, "fit k=" + k);
        PipelineModel model = pipeline(k, cfg).fit(features);
        Dataset<Row> assigned = model.transform(features);
        double silhouette = new ClusteringEvaluator().setFeaturesCol("scaled").setPredictionCol("cluster")
            .evaluate(assigned);
        double cost = ((KMeansModel) model.stages()[model.stages().length - 1]).summary().trainingCost();
        candidates.add(new KChoice.Candidate(k, silhouette, cost));
        LOG.info("model: k={} silhouette={} cost={}", k, silhouette, cost);
        if (best == null || new KChoice(candidates).best().k() == k) {
          best = model;
        }
      }
      KChoice choice = new KChoice(candidates);
      String modelPath = ctx.tables().modelPath(MODEL_NAME, ctx.runId());
      ctx.describe(NAME, "save model k=" + choice.best().k());
      try {
        best.write().overwrite().save(modelPath);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save model to " + modelPath, e);
      }
      Dataset<Row> assigned = best.transform(features)
          .select(col("market"), col("direction"), col("cluster"), col("gross_value"),
              col("log_gross_value"), col("avg_half_yoy_pct"), col("latest_half_yoy_pct"), col("latest_share_pct"),
              col("refund_rate_pct"))
          .withColumn("run_id", lit(ctx.runId()));
      long rowsOut = ctx.tables().overwrite(assigned, Tables.MARKET_CLUSTERS);
      Dataset<Row> members = ctx.tables().read(Tables.MARKET_CLUSTERS)
          .withColumn("member", concat_ws(" ", col("market"), col("direction")))
          .withColumn("weight", col("gross_value"));
      ctx.tables().overwrite(ClusterProfiles.profile(members, MarketFeatures.COLUMNS, LABELS)
          .withColumn("run_id", lit(ctx.runId())), Tables.MARKET_CLUSTER_PROFILES);
      recordRun(ctx, choice, cfg, featureRows, modelPath);
      return List.of(StageMetrics.passThrough(NAME, Tables.MARKET_CLUSTERS, featureRows, rowsOut,
          System.currentTimeMillis() - start));
    } finally {
      features.unpersist();
    }
  }

  static Pipeline pipeline(int k, Settings.MarketModel cfg) {
    String[] in = MarketFeatures.COLUMNS.toArray(String[]::new);
    String[] imputed = MarketFeatures.COLUMNS.stream().map(c -> c + "_imputed").toArray(String[]::new);
    return new Pipeline().setStages(new PipelineStage[] {
        new Imputer().setInputCols(in).setOutputCols(imputed).setStrategy("median"),
        new VectorAssembler().setInputCols(imputed).setOutputCol("features"),
        new StandardScaler().setInputCol("features").setOutputCol("scaled").setWithMean(true).setWithStd(true),
        new KMeans().setK(k).setSeed(cfg.seed()).setMaxIter(cfg.maxIter()).setFeaturesCol("scaled")
            .setPredictionCol("cluster")});
  }

  private static void recordRun(JobContext ctx, KChoice choice, Settings.MarketModel cfg, long rows, String path) {
    List<KChoice.Candidate> c = choice.candidates();
    Row row = RowFactory.create(MODEL_NAME, ctx.runId(), "kmeans", choice.best().k(), cfg.seed(),
        MarketFeatures.COLUMNS.toArray(String[]::new),
        c.stream().map(KChoice.Candidate::k).toArray(Integer[]::new),
        c.stream().map(KChoice.Candidate::silhouette).toArray(Double[]::new),
        c.stream().map(KChoice.Candidate::cost).toArray(Double[]::new),
        rows, path, new Timestamp(System.currentTimeMillis()));
    ctx.tables().append(ctx.spark().createDataFrame(List.of(row), RUNS_SCHEMA), Tables.MODEL_RUNS);
  }
}
