package io.tradelake.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.cli.TradeLake;
import io.tradelake.cli.SessionLifecycle;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.Tables;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Buyer segmentation on generator data with four planted segments (deal hunters, premium buyers,
 * occasional buyers, purchasing-agent clients): one fit in the model stage, then what it must show.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BuyerSegmentationTest {

  /**
   * The test's model settings, as --conf flags: a k range around the planted 4, fewer iterations, and the
   * buyers in the reporting country (importing), whose many orders show their habits best.
   */
  static final List<String> MODEL_CONF = List.of("model.buyers.k-min=3", "model.buyers.k-max=5",
      "model.buyers.max-iter=20", "model.buyers.population.direction=IMPORT");

  SparkSession spark;
  Path input;
  Path warehouse;
  Settings settings;
  Tables tables;
  StageMetrics metrics;

  @BeforeAll
  void generateAndFit(SparkSession spark, @TempDir Path dir) {
    this.spark = spark;
    input = dir.resolve("input");
    warehouse = dir.resolve("warehouse");
    settings = Settings.from(ConfigLoader.load("local", Optional.empty(), overrides()));
    tables = Tables.at(warehouse.toString(), spark);
    GeneratedSilver.generate(spark, settings, input, 30_000, LocalDate.of(2018, 1, 1), LocalDate.of(2020, 6, 30), 7);
    GeneratedSilver.writeSilver(spark, settings, input, tables);

    metrics = new BuyerSegmentationJob().run(JobContext.create(spark, settings, "fit-run", Clock.systemUTC())).get(0);
  }

  List<String> overrides() {
    List<String> all = new ArrayList<>(List.of("input=" + input, "warehouse=" + warehouse));
    all.addAll(MODEL_CONF);
    return all;
  }

  Row buyerRun() {
    return tables.read(Tables.MODEL_RUNS).where(col("model").equalTo(BuyerSegmentationJob.MODEL_NAME)).first();
  }

  @Test
  @Order(1)
  void thePlantedSegmentsAreRecovered() {
    Dataset<Row> joined = tables.read(Tables.BUYER_SEGMENTS)
        .join(GeneratedSilver.truth(spark, settings, input), "buyer_id");
    assertThat(joined.count()).isEqualTo(metrics.rowsOut());
    assertThat(AdjustedRandIndex.of(joined, "cluster", "segment")).isGreaterThanOrEqualTo(0.9);
    assertThat(metrics.balanced()).isTrue();
  }

  @Test
  @Order(2)
  void kIsChosenByMeasurementAndEveryCandidateIsRecorded() {
    Row run = buyerRun();
    assertThat(run.<Integer>getAs("k")).isEqualTo(4);
    assertThat(run.<Integer>getList(run.fieldIndex("candidate_k"))).containsExactly(3, 4, 5);
    List<Double> silhouettes = run.getList(run.fieldIndex("candidate_silhouette"));
    assertThat(silhouettes.get(1)).isEqualTo(silhouettes.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    assertThat(run.<Double>getList(run.fieldIndex("candidate_cost"))).hasSize(3).allSatisfy(c -> assertThat(c).isPositive());
    assertThat(run.<String>getAs("algorithm")).isEqualTo("kmeans");
    assertThat(run.<String>getList(run.fieldIndex("features")))
        .containsExactlyElementsOf(settings.buyerModel().model().features());
    assertThat(run.<String>getAs("model_path")).endsWith("/models/buyer_segments/fit-run");
    assertThat(tables.read(Tables.BUYER_CLUSTER_PROFILES).count()).isEqualTo(4);
    assertThat(tables.read(Tables.BUYER_CLUSTER_PROFILES).where("label = 'typical' OR label IS NULL").count()).isZero();
  }

  @Test
  @Order(3)
  void theSameSeedGivesTheSameAssignments() {
    Dataset<Row> both = segmentsBesideAFullFit(settings, metrics, 4);
    assertThat(both.count()).isEqualTo(metrics.rowsOut());
    assertThat(both.where(col("cluster").notEqual(col("refit_cluster"))).count()).isZero();
  }

  /**
   * buyer_segments joined with a fresh fit at {@code k} on the run's whole population, in the job's stable order
   * ({@code refit_cluster}): the same seed and rows give the same clusters.
   */
  Dataset<Row> segmentsBesideAFullFit(Settings s, StageMetrics run, int k) {
    Dataset<Row> population = KSearch.inStableOrder(
        BuyerSegmentationJob.population(tables.read(Tables.BUYER_FEATURES), s.buyerModel()),
        run.ruleCounts().get("buyers_in_features"), "buyer_id");
    PipelineModel full = ClusteringPipeline.of(s.buyerModel().model(), k).fit(population);
    Dataset<Row> refit = full.transform(population).select(col("buyer_id"), col("cluster").as("refit_cluster"));
    return tables.read(Tables.BUYER_SEGMENTS).join(refit, "buyer_id");
  }

  @Test
  @Order(4)
  void fittingRunsAsExecutorTasksAndOnlySmallResultsReachTheDriver() throws Exception {
    // 200,000 synthetic buyers: large enough that rows sent to the driver would show against the fixed
    // per-task overhead (metrics, accumulators).
    long rows = 200_000;
    Dataset<Row> buyers = io.tradelake.bench.BuyerModelBench.synthetic(spark, rows)
        .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    long trainingBytes = rows * settings.buyerModel().model().features().size() * Double.BYTES;
    FitTaskListener fitTasks = new FitTaskListener("model: fit buyers");
    spark.sparkContext().addSparkListener(fitTasks);
    try {
      buyers.count();
      Settings.ClusterModel k4 = new Settings.ClusterModel("kmeans", 4, 4, 42, 20,
          settings.buyerModel().model().features(), settings.buyerModel().model().logFeatures());
      KSearch.run(JobContext.create(spark, settings, "listener-run", Clock.systemUTC()), "model", "buyers", buyers,
          rows, k4);
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(fitTasks);
      buyers.unpersist();
    }
    assertThat(fitTasks.tasks.get()).isPositive();
    // Tasks return partial sums (feature means and variances, k centroids), never rows: all of them
    // together are a small fraction of what the training rows would take even as bare doubles.
    assertThat(fitTasks.resultBytes.get()).isLessThan(trainingBytes / 10);
    assertThat(fitTasks.maxTaskResultBytes.get()).isLessThan(32 * 1024);
  }

  @Test
  @Order(5)
  void scoreAssignsNewBuyersWithTheSavedModelWithoutRetraining() {
    long runsBefore = tables.read(Tables.MODEL_RUNS).count();
    // Twins of twenty known buyers arrive: the same orders under new buyer and order ids.
    Dataset<Row> known = tables.read(Tables.BUYER_SEGMENTS).orderBy("buyer_id").limit(20).select("buyer_id");
    Dataset<Row> twins = tables.read(Tables.SILVER).join(known, "buyer_id")
        .withColumn("buyer_id", sha2(concat(col("buyer_id"), lit("-twin")), 256))
        .withColumn("order_id", concat(col("order_id"), lit("-twin")))
        .withColumn("event_id", concat(col("event_id"), lit("-twin")));
    tables.append(twins, Tables.SILVER, "event_year");

    List<String> args = new ArrayList<>(List.of("model", "--score", "--input", input.toString(), "--warehouse",
        warehouse.toString()));
    MODEL_CONF.forEach(c -> {
      args.add("--conf");
      args.add(c);
    });
    int exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute(args.toArray(String[]::new));
    assertThat(exit).isZero();
    assertThat(tables.read(Tables.MODEL_RUNS).count()).isEqualTo(runsBefore);

    Dataset<Row> scored = tables.read(Tables.BUYER_SEGMENTS);
    assertThat(scored.count()).isEqualTo(metrics.rowsOut() + 20);
    assertThat(scored.select("model_run_id").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("fit-run");
    assertThat(scored.where(col("run_id").equalTo("fit-run")).count()).isZero();
    Dataset<Row> twinClusters = scored.select(col("buyer_id").as("twin_id"), col("cluster").as("twin_cluster"));
    Dataset<Row> pairs = scored.join(known, "buyer_id")
        .withColumn("twin_id", sha2(concat(col("buyer_id"), lit("-twin")), 256))
        .join(twinClusters, "twin_id");
    assertThat(pairs.count()).isEqualTo(20);
    assertThat(pairs.where(col("cluster").notEqual(col("twin_cluster"))).count()).isZero();
  }

  @Test
  @Order(6)
  void aPopulationAboveKSearchRowsChoosesKOnASampleAndFitsItOnEveryBuyer() {
    long buyers = metrics.rowsIn();
    long searchRows = buyers / 2;
    List<String> conf = new ArrayList<>(overrides());
    conf.add("model.buyers.k-search-rows=" + searchRows);
    Settings sampled = Settings.from(ConfigLoader.load("local", Optional.empty(), conf));
    StageMetrics again = new BuyerSegmentationJob()
        .run(JobContext.create(spark, sampled, "sample-run", Clock.systemUTC())).get(0);

    Row run = tables.read(Tables.MODEL_RUNS).where(col("run_id").equalTo("sample-run")).first();
    long searched = Long.parseLong(run.<String, String>getJavaMap(run.fieldIndex("params")).get("k_search_rows"));
    // A seeded Bernoulli sample: about half the buyers, never all of them.
    assertThat(searched).isBetween(searchRows * 8 / 10, searchRows * 12 / 10);
    assertThat(run.<Long>getAs("training_rows")).isEqualTo(again.rowsIn()).isGreaterThan(searched);
    // k is the sample's best candidate (on so few buyers it need not be the planted 4, as it is on all of them).
    int k = run.<Integer>getAs("k");
    assertThat(run.<Integer>getList(run.fieldIndex("candidate_k"))).containsExactly(3, 4, 5);
    List<Double> silhouettes = run.getList(run.fieldIndex("candidate_silhouette"));
    assertThat(silhouettes.get(k - 3)).isEqualTo(silhouettes.stream().mapToDouble(Double::doubleValue).max()
        .orElseThrow());

    // The saved model is the chosen k fitted on every buyer: a full fit at that k assigns them all alike.
    Dataset<Row> both = segmentsBesideAFullFit(sampled, again, k);
    assertThat(both.count()).isEqualTo(again.rowsOut());
    assertThat(both.where(col("cluster").notEqual(col("refit_cluster"))).count()).isZero();
    assertThat(tables.read(Tables.BUYER_CLUSTER_PROFILES).count()).isEqualTo(k);
  }
}
