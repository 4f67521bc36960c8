package io.tradelake.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tradelake.config.ChannelRule;
import io.tradelake.config.Settings;
import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.runtime.StageSqlConf;
import io.tradelake.table.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segments buyers by behaviour: buyer_features from silver, the configured population, the clustering
 * pipeline fitted on the executors with k chosen by silhouette, the model saved, then buyer_segments and
 * buyer_cluster_profiles. Runs in the {@code model} stage after the markets.
 */
public final class BuyerSegmentationJob implements Job {

  private static final Logger LOG = LoggerFactory.getLogger(BuyerSegmentationJob.class);
  public static final String NAME = MarketClusteringJob.NAME;
  public static final String MODEL_NAME = "buyer_segments";

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
  public void validate(JobContext ctx) {
    validateFeatures(ctx.settings());
  }

  static void validateFeatures(Settings s) {
    List<String> known = BuyerFeatures.numericColumns(channels(s));
    List<String> unknown = s.buyerModel().model().features().stream().filter(f -> !known.contains(f)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("model.buyers.features: not columns of buyer_features: " + unknown
          + " (known: " + String.join(", ", known) + ")");
    }
  }

  @Override
  public List<StageMetrics> run(JobContext ctx) {
    long start = System.currentTimeMillis();
    Settings.BuyerModel cfg = ctx.settings().buyerModel();
    long featureRows = writeFeatures(ctx);
    // Partitions sized by all buyers in the features (known already): the population is counted once, persisted.
    Dataset<Row> population = KSearch.inStableOrder(population(ctx.tables().read(Tables.BUYER_FEATURES), cfg),
        featureRows, "buyer_id").persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ctx.describe(NAME, "count buyers to segment");
      long rows = population.count();
      Map<String, Long> counts = Map.of("buyers_in_features", featureRows, "outside_population", featureRows - rows);
      if (!KSearch.enoughRows(rows, cfg.model())) {
        LOG.warn("model: {} buyers are too few to segment with k >= {}; skipped", rows, cfg.model().kMin());
        Map<String, Long> skipped = new HashMap<>(counts);
        skipped.put("skipped_too_few_buyers", rows);
        return List.of(new StageMetrics(NAME, Tables.BUYER_SEGMENTS, 0, 0, 0, 0, skipped,
            System.currentTimeMillis() - start));
      }
      ctx.describe(NAME, "buyer features with values");
      Settings.ClusterModel model = KSearch.withValuedFeatures(population, cfg.model(), NAME, "buyers");
      if (model.features().isEmpty()) {
        LOG.warn("model: no buyer has a value for any of {}; skipped", cfg.model().features());
        Map<String, Long> skipped = new HashMap<>(counts);
        skipped.put("skipped_no_feature_values", rows);
        return List.of(new StageMetrics(NAME, Tables.BUYER_SEGMENTS, 0, 0, 0, 0, skipped,
            System.currentTimeMillis() - start));
      }
      Search search = searchK(ctx, population, rows, model, cfg.kSearchRows());
      KSearch.Result fit = search.fit();
      String modelPath = ModelRuns.save(ctx, NAME, MODEL_NAME, "buyer model", fit);
      long rowsOut = writeSegments(ctx, fit.model(), population, ctx.runId());
      Dataset<Row> members = ctx.tables().read(Tables.BUYER_SEGMENTS)
          .withColumn("member", col("buyer_id")).withColumn("weight", col("monetary_value"));
      ctx.describe(NAME, "buyer cluster profiles");
      Dataset<Row> profiles = ClusterProfiles.profile(members, model.features(), LABELS);
      for (String c : List.of("home_country", "main_channel", "cohort", "age_band")) {
        profiles = ClusterProfiles.withTopValues(profiles, members, c);
      }
      ctx.tables().overwrite(profiles.withColumn("run_id", lit(ctx.runId())), Tables.BUYER_CLUSTER_PROFILES);
      ModelRuns.record(ctx, MODEL_NAME, model, fit.choice(), rows, modelPath, Map.of(
          "population_direction", cfg.direction(), "population_min_age", Integer.toString(cfg.minAge()),
          "population_max_age", Integer.toString(cfg.maxAge()),
          "population_min_orders", Integer.toString(cfg.minOrders()),
          "k_search_rows", Long.toString(search.searchedRows())));
      return List.of(new StageMetrics(NAME, Tables.BUYER_SEGMENTS, rows, rowsOut, 0, 0, counts,
          System.currentTimeMillis() - start));
    } finally {
      population.unpersist();
    }
  }

  /** The model fitted on every buyer at the chosen k, and how many buyers the search for k used. */
  record Search(KSearch.Result fit, long searchedRows) {}

  /**
   * Chooses k on the population, or on a seeded sample of about {@code maxRows} of it when it has more: the
   * population is in a stable order, so the same buyers give the same sample. A k chosen on the sample is
   * then fitted on every buyer; the recorded candidates' scores are the sample's.
   */
  static Search searchK(JobContext ctx, Dataset<Row> population, long rows, Settings.ClusterModel model,
      long maxRows) {
    if (rows > maxRows) {
      Dataset<Row> sample = population.sample(false, (double) maxRows / rows, model.seed());
      ctx.describe(NAME, "count the buyers the k search samples");
      long sampled = sample.count();
      if (KSearch.enoughRows(sampled, model)) {
        LOG.info("model: k searched on a sample of {} of {} buyers", sampled, rows);
        KSearch.Result onSample = KSearch.run(ctx, NAME, "buyers (sample)", sample, sampled, model);
        int k = onSample.choice().best().k();
        ctx.describe(NAME, "fit buyers k=" + k + " on all " + rows);
        return new Search(new KSearch.Result(ClusteringPipeline.of(model, k).fit(population), onSample.choice()),
            sampled);
      }
    }
    return new Search(KSearch.run(ctx, NAME, "buyers", population, rows, model), rows);
  }

  /** buyer_features from the whole of silver (recency needs every buyer's last order); returns its rows. */
  static long writeFeatures(JobContext ctx) {
    Dataset<Row> silver = ctx.tables().readInput(Tables.SILVER, "clean");
    ctx.describe(NAME, "count cancel and refund events");
    boolean fewFlagged = BuyerFeatures.fewFlaggedOrders(silver);
    ctx.describe(NAME, "buyer features");
    try (StageSqlConf sorted = StageSqlConf.apply(ctx.spark(), BuyerFeatures.SPARK_SETTINGS)) {
      return ctx.tables().overwrite(BuyerFeatures.from(silver, channels(ctx.settings()), fewFlagged),
          Tables.BUYER_FEATURES);
    }
  }

  /** The buyers the model is for: direction, age at the last order, minimum orders. */
  static Dataset<Row> population(Dataset<Row> features, Settings.BuyerModel cfg) {
    Column in = col("orders").geq(cfg.minOrders());
    if (!cfg.direction().equals("TOTAL")) {
      in = in.and(col("direction").equalTo(cfg.direction()));
    }
    if (cfg.minAge() > 0 || cfg.maxAge() < 150) {
      in = in.and(col("age").between(cfg.minAge(), cfg.maxAge()));
    }
    return features.where(in);
  }

  /**
   * Assigns the population with a fitted model and replaces buyer_segments: every buyer's current cluster,
   * the features it was assigned on, the model's run and the run that assigned it. Returns the rows written.
   */
  static long writeSegments(JobContext ctx, PipelineModel model, Dataset<Row> population, String modelRunId) {
    List<Column> out = new ArrayList<>(List.of(col("buyer_id"), col("cluster"), col("home_country"),
        col("direction"), col("cohort"), col("age_band"), col("main_channel")));
    List<String> kept = new ArrayList<>(List.of("monetary_value"));
    ctx.settings().buyerModel().model().features().stream().filter(f -> !kept.contains(f)).forEach(kept::add);
    kept.forEach(f -> out.add(col(f)));
    out.add(lit(modelRunId).as("model_run_id"));
    out.add(lit(ctx.runId()).as("run_id"));
    ctx.describe(NAME, "assign buyers");
    return ctx.tables().overwrite(model.transform(population).select(out.toArray(Column[]::new)),
        Tables.BUYER_SEGMENTS);
  }

  static List<String> channels(Settings s) {
    return s.channels().stream().map(ChannelRule::channel).toList();
  }

  private static Map<String, String[]> labels() {
    Map<String, String[]> m = new HashMap<>();
    m.put("recency_days", new String[] {"lapsed", "recent"});
    m.put("orders", new String[] {"frequent", "rare"});
    m.put("monetary_value", new String[] {"high spend", "low spend"});
    m.put("avg_order_value", new String[] {"large baskets", "small baskets"});
    m.put("avg_unit_price", new String[] {"premium items", "cheap items"});
    m.put("lines_per_order", new String[] {"many lines", null});
    m.put("units_per_line", new String[] {"bulk buying", "single units"});
    m.put("multi_unit_line_pct", new String[] {"stocks up", "single units"});
    m.put("relative_price", new String[] {"premium prices", "bargain prices"});
    m.put("log_relative_price", new String[] {"premium prices", "bargain prices"});
    m.put("refund_rate_pct", new String[] {"many refunds", "few refunds"});
    m.put("cancel_rate_pct", new String[] {"many cancellations", null});
    m.put("festival_order_pct", new String[] {"festival-driven", null});
    m.put("active_days", new String[] {"many active days", null});
    m.put("pct_cross_border_ecommerce_platform", new String[] {"cross-border platforms", null});
    m.put("pct_integrated_ecommerce_platform", new String[] {"marketplaces", null});
    m.put("pct_social_ecommerce", new String[] {"social shops", null});
    m.put("pct_overseas_purchasing_agent", new String[] {"purchasing agents", null});
    m.put("pct_brand_official_website", new String[] {"brand sites", null});
    m.put("pct_duty_free_travel_retail", new String[] {"duty-free", null});
    m.put("pct_other", new String[] {"other channels", null});
    return Map.copyOf(m);
  }
}
