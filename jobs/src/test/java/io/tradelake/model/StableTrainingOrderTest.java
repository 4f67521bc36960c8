package io.tradelake.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.config.Settings;
import io.tradelake.testing.Rows;
import io.tradelake.testing.SparkTest;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The same rows, delivered in two different orders and partitionings (as two runs' shuffles may deliver them),
 * give the same fitted model and the same assignments once put in their stable order. Unstructured rows, so that
 * k-means has many local optima and its result depends on where it starts.
 */
@SparkTest
class StableTrainingOrderTest {

  static final List<String> FEATURES = List.of("a", "b", "c");

  @Test
  void theSameSeedGivesTheSameAssignmentsWhateverTheRowOrder(SparkSession spark) {
    Dataset<Row> rows = spark.range(0, 400, 1, 1).withColumn("key", col("id").cast("string"))
        .withColumn("a", rand(1)).withColumn("b", rand(2)).withColumn("c", rand(3)).drop("id").cache();
    Dataset<Row> oneOrder = rows.orderBy(rand(5)).repartition(3);
    Dataset<Row> otherOrder = rows.orderBy(rand(9)).coalesce(1);
    Settings.ClusterModel cfg = new Settings.ClusterModel("kmeans", 6, 6, 42, 20, FEATURES, List.of());

    List<String> first = assignments(KSearch.inStableOrder(oneOrder, 400, "key"), cfg);
    List<String> second = assignments(KSearch.inStableOrder(otherOrder, 400, "key"), cfg);
    assertThat(first).hasSize(400).containsExactlyElementsOf(second);
    rows.unpersist();
  }

  private static List<String> assignments(Dataset<Row> training, Settings.ClusterModel cfg) {
    return Rows.sorted(ClusteringPipeline.of(cfg, cfg.kMin()).fit(training).transform(training), "key", "cluster");
  }
}
