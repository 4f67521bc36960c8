package io.tradelake.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.config.Settings;
import io.tradelake.testing.SparkTest;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A feature no row has a value for (growth over a history of one year) leaves the fit instead of failing it. */
@SparkTest
class ValuedFeaturesTest {

  @Test
  void featuresWithoutAnyValueAreLeftOutOfTheFit(SparkSession spark) {
    Dataset<Row> rows = spark.sql("""
        SELECT * FROM VALUES ('a', 1.0D, CAST(NULL AS DOUBLE), CAST(10 AS DECIMAL(10,2)), CAST('NaN' AS DOUBLE)),
          ('b', 1.1D, NULL, 12, CAST('NaN' AS DOUBLE)), ('c', 9.0D, NULL, NULL, NULL), ('d', 9.2D, NULL, 95, NULL)
        AS t(id, value, yoy, money, ratio)""");
    Settings.ClusterModel cfg = new Settings.ClusterModel("kmeans", 2, 2, 1, 10,
        List.of("value", "yoy", "money", "ratio"), List.of("yoy", "money"));

    Settings.ClusterModel valued = KSearch.withValuedFeatures(rows, cfg, "model", "test");

    assertThat(valued.features()).containsExactly("value", "money");
    assertThat(valued.logFeatures()).containsExactly("money");
    PipelineModel model = ClusteringPipeline.of(valued, 2).fit(rows);
    List<Row> out = model.transform(rows).orderBy("id").select("cluster").collectAsList();
    assertThat(out.get(0).getInt(0)).isEqualTo(out.get(1).getInt(0)).isNotEqualTo(out.get(2).getInt(0));
    assertThat(out.get(2).getInt(0)).isEqualTo(out.get(3).getInt(0));
  }

  @Test
  void noFeatureWithAValueLeavesNone(SparkSession spark) {
    Dataset<Row> rows = spark.sql("SELECT * FROM VALUES ('a', CAST(NULL AS DOUBLE)), ('b', NULL) AS t(id, yoy)");
    Settings.ClusterModel cfg = new Settings.ClusterModel("kmeans", 2, 2, 1, 10, List.of("yoy"), List.of());
    assertThat(KSearch.withValuedFeatures(rows, cfg, "model", "test").features()).isEmpty();
  }
}
