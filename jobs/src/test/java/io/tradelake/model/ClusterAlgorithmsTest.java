package io.tradelake.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.randn;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.runtime.JobContext;
import io.tradelake.testing.SparkTest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every configurable algorithm through the whole pipeline and the k search, on three well-separated planted
 * groups of 15 rows: k = 3 is chosen, each group is one cluster, and the fit's cost is a finite number.
 * (Bisecting k-means on standardised rows once left every row in one cluster at every k: see
 * {@link ClusterAlgorithm#stages}.)
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterAlgorithmsTest {

  static final List<String> FEATURES = List.of("orders", "price_level", "share_pct");
  static final long ROWS = 45;

  SparkSession spark;
  JobContext ctx;
  Dataset<Row> planted;

  @BeforeAll
  void plant(SparkSession spark, @TempDir Path warehouse) {
    this.spark = spark;
    ctx = JobContext.create(spark, Settings.from(ConfigLoader.load("local", Optional.empty(),
        List.of("warehouse=" + warehouse))), "algorithms-test", Clock.systemUTC());
    // One partition, so the seeded noise is the same on every run. The noise also keeps every group's
    // covariance full rank, which the Gaussian mixture needs.
    Column group = col("id").mod(3);
    planted = spark.range(0, ROWS, 1, 1)
        .withColumn("group", group)
        .withColumn("orders", pick(group, 5, 200, 20).multiply(exp(randn(1).multiply(0.1))).cast("long"))
        .withColumn("price_level", pick(group, -1, 0, 1).plus(randn(2).multiply(0.1)))
        .withColumn("share_pct", pick(group, 10, 80, 40).plus(randn(3).multiply(3)))
        .cache();
    planted.count();
  }

  @AfterAll
  void release() {
    planted.unpersist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"kmeans", "bisecting-kmeans", "gaussian-mixture"})
  void eachAlgorithmRecoversThePlantedGroupsAndKSearchPicksThree(String algorithm) {
    Settings.ClusterModel cfg = new Settings.ClusterModel(algorithm, 2, 4, 42, 10, FEATURES, List.of("orders"));
    KSearch.Result fit = KSearch.run(ctx, "model", "planted groups", planted, ROWS, cfg);

    assertThat(fit.choice().best().k()).isEqualTo(3);
    assertThat(fit.choice().candidates()).extracting(KChoice.Candidate::k).containsExactly(2, 3, 4);
    assertThat(fit.choice().candidates()).allSatisfy(c -> {
      assertThat(c.cost()).isFinite();
      assertThat(c.silhouette()).isBetween(-1.0, 1.0);
    });
    PipelineModel model = fit.model();
    assertThat(ClusterAlgorithm.cost(model.stages()[model.stages().length - 1])).isFinite();

    // Each planted group falls in one cluster, and no two groups share one.
    List<Row> groups = model.transform(planted).groupBy("group")
        .agg(count_distinct(col("cluster")).as("clusters"), first("cluster").as("cluster")).collectAsList();
    assertThat(groups).hasSize(3).allSatisfy(g -> assertThat(g.<Long>getAs("clusters")).isEqualTo(1));
    assertThat(groups.stream().map(g -> g.<Integer>getAs("cluster")).distinct()).hasSize(3);
  }

  private static Column pick(Column group, double first, double second, double third) {
    return when(group.equalTo(0), first).when(group.equalTo(1), second).otherwise(third);
  }
}
