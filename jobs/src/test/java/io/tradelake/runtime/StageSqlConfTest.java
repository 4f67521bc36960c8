package io.tradelake.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.testing.SparkTest;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** A stage's own Spark SQL settings hold while it runs; the session's come back after it. */
@SparkTest
class StageSqlConfTest {

  @Test
  void setWhileTheStageRunsAndPutBackAfter(SparkSession spark) {
    String shuffle = "spark.sql.shuffle.partitions";
    String unsetBefore = "spark.sql.adaptive.advisoryPartitionSizeInBytes";
    String before = spark.conf().get(shuffle);
    assertThat(spark.conf().contains(unsetBefore)).isFalse();
    try (StageSqlConf own = StageSqlConf.apply(spark, Map.of(shuffle, "17", unsetBefore, "1m"))) {
      assertThat(spark.conf().get(shuffle)).isEqualTo("17");
      assertThat(spark.conf().get(unsetBefore)).isEqualTo("1m");
    }
    assertThat(spark.conf().get(shuffle)).isEqualTo(before);
    assertThat(spark.conf().contains(unsetBefore)).isFalse();
  }
}
