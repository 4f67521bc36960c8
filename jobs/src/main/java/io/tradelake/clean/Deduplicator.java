package io.tradelake.clean;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
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
        .withColumn("_content", content)
        .withColumn("_occurrence", row_number().over(byId))
        .withColumn("_first_content", first(col("_content")).over(byId))
        .withColumn("is_duplicate", repeated.and(col("_content").equalTo(col("_first_content"))))
        .withColumn("conflicting_duplicate", repeated.and(col("_content").notEqual(col("_first_content"))))
        .drop("_content", "_occurrence", "_first_content");
  }
}
