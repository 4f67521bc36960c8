package io.tradelake.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.testing.SharedSpark;
import io.tradelake.testing.SparkTest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  @Test
  void smallDataRunsWithoutGeneratedCodeOnlyWhenSmall(SparkSession spark) {
    Settings local = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of(), Optional.of(Path.of("../conf"))));
    JobContext ctx = JobContext.create(spark, local, "test-run", Clock.systemUTC());
    String factory = "spark.sql.codegen.factoryMode";
    // In production code generation is on; the test session interprets, so turn it on here first.
    try (StageSqlConf compiled = SharedSpark.compiledCode(spark)) {
      try (StageSqlConf few = ctx.smallData(false)) {
        assertThat(spark.conf().get(factory)).isEqualTo("FALLBACK");
      }
      try (StageSqlConf few = ctx.smallData()) {
        assertThat(spark.conf().get(factory)).isEqualTo("NO_CODEGEN");
        assertThat(spark.conf().get("spark.sql.codegen.wholeStage")).isEqualTo("false");
      }
      assertThat(spark.conf().get(factory)).isEqualTo("FALLBACK");
      assertThat(spark.conf().get("spark.sql.codegen.wholeStage")).isEqualTo("true");
    }
  }
}
