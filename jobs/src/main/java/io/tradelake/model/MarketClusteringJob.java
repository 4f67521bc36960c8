package io.tradelake.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;

import io.tradelake.aggregate.SalesFacts;
import io.tradelake.config.Settings;
import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clusters markets by growth profile with the configured {@link ClusteringPipeline}, trained on the executors,
 * k chosen by silhouette. Saves the model and writes assignments and readable profiles.
 */
public final class MarketClusteringJob implements Job {

  private static final Logger LOG = LoggerFactory.getLogger(MarketClusteringJob.class);
  public static final String NAME = "model";
  public static final String MODEL_NAME = "market_growth";

  static final Map<String, String[]> LABELS = labels();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean readsSilver() {
    return true;
  }

  @Override
  public List<StageMetrics> run(JobContext ctx) {
    long start = System.currentTimeMillis();
    Dataset<Row> gold = ctx.tables().readInput(Tables.GROWTH_BY_MARKET, "aggregate");
    Dataset<Row> silver = ctx.tables().readInput(Tables.SILVER, "clean");
    Settings.ClusterModel configured = ctx.settings().marketModel();
    ctx.describe(NAME, "count cancel events");
    boolean fewCancels = SalesFacts.fewCancels(silver);
    ctx.describe(NAME, "market features");
    long featureRows = ctx.tables().overwrite(MarketFeatures.from(gold,
        silver, BuyerSegmentationJob.channels(ctx.settings()), ctx.settings().minBuyersPerCell(), fewCancels),
        Tables.MARKET_FEATURES);
    Dataset<Row> features = KSearch.inStableOrder(ctx.tables().read(Tables.MARKET_FEATURES), featureRows, "market",
            "direction")
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      if (!KSearch.enoughRows(featureRows, configured)) {
        LOG.warn("model: {} markets are too few to cluster with k >= {}; skipped", featureRows, configured.kMin());
        // Nothing enters the model: the markets are counted under the reason, and no cluster table is written.
        return List.of(new StageMetrics(NAME, Tables.MARKET_CLUSTERS, 0, 0, 0, 0,
            Map.of("skipped_too_few_markets", featureRows), System.currentTimeMillis() - start));
      }
      ctx.describe(NAME, "features with values");
      Settings.ClusterModel cfg = KSearch.withValuedFeatures(features, configured, NAME, "markets");
      if (cfg.features().isEmpty()) {
        LOG.warn("model: no market has a value for any of {}; skipped", configured.features());
        return List.of(new StageMetrics(NAME, Tables.MARKET_CLUSTERS, 0, 0, 0, 0,
            Map.of("skipped_no_feature_values", featureRows), System.currentTimeMillis() - start));
      }
      KSearch.Result fit = KSearch.run(ctx, NAME, "markets", features, featureRows, cfg);
      KChoice choice = fit.choice();
      String modelPath = ModelRuns.save(ctx, NAME, MODEL_NAME, "model", fit);
      List<Column> kept = new ArrayList<>(List.of(col("market"), col("direction"), col("cluster"), col("gross_value")));
      // The configured features, fitted or not: the table's columns do not depend on the data's history.
      configured.features().stream().filter(f -> !f.equals("gross_value")).forEach(f -> kept.add(col(f)));
      Dataset<Row> assigned = fit.model().transform(features).select(kept.toArray(Column[]::new))
          .withColumn("run_id", lit(ctx.runId()));
      long rowsOut = ctx.tables().overwrite(assigned, Tables.MARKET_CLUSTERS);
      Dataset<Row> members = ctx.tables().read(Tables.MARKET_CLUSTERS)
          .withColumn("member", concat_ws(" ", col("market"), col("direction")))
          .withColumn("weight", col("gross_value"));
      ctx.tables().overwrite(ClusterProfiles.profile(members, cfg.features(), LABELS)
          .withColumn("run_id", lit(ctx.runId())), Tables.MARKET_CLUSTER_PROFILES);
      ModelRuns.record(ctx, MODEL_NAME, cfg, choice, featureRows, modelPath, Map.of());
      return List.of(StageMetrics.passThrough(NAME, Tables.MARKET_CLUSTERS, featureRows, rowsOut,
          System.currentTimeMillis() - start));
    } finally {
      features.unpersist();
    }
  }

  /** The growth words, and the buyer model's words for a channel that stands out. */
  private static Map<String, String[]> labels() {
    Map<String, String[]> m = new HashMap<>(Map.of(
        "log_gross_value", new String[] {"large", "small"},
        "avg_half_yoy_pct", new String[] {"fast growing", "slow growing"},
        "latest_half_yoy_pct", new String[] {"accelerating", "slowing"},
        "latest_share_pct", new String[] {"high share", "low share"},
        "refund_rate_pct", new String[] {"many refunds", "few refunds"}));
    BuyerSegmentationJob.LABELS.forEach((f, words) -> {
      if (f.startsWith(MarketFeatures.CHANNEL_PREFIX)) {
        m.put(f, words);
      }
    });
    return Map.copyOf(m);
  }

  @Override
  public void validate(JobContext ctx) {
    List<String> known = MarketFeatures.numericColumns(BuyerSegmentationJob.channels(ctx.settings()));
    List<String> unknown = ctx.settings().marketModel().features().stream().filter(f -> !known.contains(f)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("model.markets.features: not columns of market_features: " + unknown);
    }
  }
}
