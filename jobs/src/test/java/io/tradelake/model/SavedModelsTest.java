package io.tradelake.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.table.Tables;
import io.tradelake.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SparkTest
class SavedModelsTest {

  private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

  private static Row run(String model, String runId, int daysAgo) {
    return RowFactory.create(model, runId, "kmeans", 3, 42L, new String[] {"orders"}, new Integer[] {2, 3},
        new Double[] {0.5, 0.6}, new Double[] {1.0, 0.8}, 100L, "unused", Timestamp.from(NOW.minus(Duration.ofDays(daysAgo))),
        new String[0], scala.jdk.javaapi.CollectionConverters.asScala(Map.<String, String>of()));
  }

  private static Path saved(Path warehouse, String name, int daysAgo) throws Exception {
    Path dir = warehouse.resolve("models").resolve(name);
    Files.createDirectories(dir.resolve("stages"));
    Files.writeString(dir.resolve("stages").resolve("part-0.parquet"), "model");
    Files.setLastModifiedTime(dir, FileTime.from(NOW.minus(Duration.ofDays(daysAgo))));
    return dir;
  }

  /**
   * maintain keeps a saved model while it is recent, the latest of its model, or the one buyer_segments names;
   * older ones go, also a folder a training stopped before recording left behind.
   */
  @Test
  void removesTheSavedModelsNothingNeeds(SparkSession spark, @TempDir Path warehouse) throws Exception {
    Tables tables = Tables.at(warehouse.toString(), spark);
    List<Row> runs = new ArrayList<>(List.of(run("buyer_segments", "r1", 20), run("buyer_segments", "r2", 10),
        run("buyer_segments", "r3", 1), run("market_growth", "m1", 20), run("market_growth", "m2", 10)));
    spark.createDataFrame(runs, ModelRuns.SCHEMA).write().format("delta").save(tables.path(Tables.MODEL_RUNS));
    // Buyers still assigned with an old model (scored with it, say): that one stays.
    spark.createDataFrame(List.of(RowFactory.create("b1", "r1")), new StructType().add("buyer_id", DataTypes.StringType)
        .add("model_run_id", DataTypes.StringType)).write().format("delta").save(tables.path(Tables.BUYER_SEGMENTS));
    for (String old : List.of("buyer_segments/r1", "buyer_segments/r2", "market_growth/m1", "market_growth/m2")) {
      saved(warehouse, old, 20);
    }
    saved(warehouse, "buyer_segments/r3", 1);
    saved(warehouse, "market_growth/m0", 30);
    saved(warehouse, "buyer_segments/r4", 0);

    SavedModels.Pruned pruned = SavedModels.prune(spark, tables, Duration.ofHours(168), NOW);

    assertThat(pruned.removed()).containsExactlyInAnyOrder("buyer_segments/r2", "market_growth/m1", "market_growth/m0");
    assertThat(pruned.kept()).isEqualTo(4);
    for (String kept : List.of("buyer_segments/r1", "buyer_segments/r3", "buyer_segments/r4", "market_growth/m2")) {
      assertThat(warehouse.resolve("models").resolve(kept).resolve("stages/part-0.parquet")).as(kept).exists();
    }
    for (String gone : pruned.removed()) {
      assertThat(warehouse.resolve("models").resolve(gone)).as(gone).doesNotExist();
    }
    // Nothing more to remove the second time; model_runs keeps every fit's row.
    assertThat(SavedModels.prune(spark, tables, Duration.ofHours(168), NOW).removed()).isEmpty();
    assertThat(tables.read(Tables.MODEL_RUNS).count()).isEqualTo(5);
  }
}
