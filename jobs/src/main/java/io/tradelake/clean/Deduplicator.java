package io.tradelake.clean;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.tradelake.config.SourceLayout;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Marks repeated event ids. The first occurrence (by ingestion, file, line) is kept; a later copy with the
 * same content is a duplicate to remove, one with different content is a conflict to quarantine.
 */
public final class Deduplicator {

  private Deduplicator() {}

  public static Dataset<Row> mark(Dataset<Row> events) {
    WindowSpec byId = Window.partitionBy("event_id_t")
        .orderBy(col("ingested_at"), col("source_file"), col("line_number"));
    // Nulls as a sentinel: xxhash64 skips nulls, which would make (null, "x") and ("x", null) collide.
    Column content = xxhash64(SourceLayout.CANONICAL_FIELDS.stream()
        .map(f -> coalesce(col(f), lit("\u0000"))).toArray(Column[]::new));
    Column repeated = col("event_id_t").isNotNull().and(col("_occurrence").gt(1));
    return events
        .withColumn("content_hash", content)
        .withColumn("_occurrence", row_number().over(byId))
        .withColumn("_first_content", first(col("content_hash")).over(byId))
        .withColumn("is_duplicate", repeated.and(col("content_hash").equalTo(col("_first_content"))))
        .withColumn("conflicting_duplicate", repeated.and(col("content_hash").notEqual(col("_first_content"))))
        .drop("_occurrence", "_first_content");
  }

  /**
   * Events whose id silver already holds (from earlier batches): the same content is a duplicate, other
   * content a conflict. {@code known} has {@code known_event_id, known_content_hash}.
   */
  public static Dataset<Row> againstKnown(Dataset<Row> marked, Dataset<Row> known) {
    Dataset<Row> joined = marked.join(known, col("event_id_t").equalTo(col("known_event_id")), "left");
    Column seen = col("known_event_id").isNotNull();
    return joined
        .withColumn("is_duplicate", when(seen, col("content_hash").equalTo(col("known_content_hash")))
            .otherwise(col("is_duplicate")))
        .withColumn("conflicting_duplicate", when(seen, col("content_hash").notEqual(col("known_content_hash")))
            .otherwise(col("conflicting_duplicate")))
        .drop("known_event_id", "known_content_hash");
  }
}
