package io.tradelake.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.sum;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Reads raw files as lines, each with its file and 1-based line number. Gzip is read by extension.
 *
 * <p>Numbering needs no shuffle of the lines: a file block is read by one task, in order, so an id that
 * increases by one per row within a task ({@code monotonically_increasing_id}) gives each line's place in
 * its block; the blocks themselves (one row each, a small table) give each block's offset in its file.
 */
public final class RawLines {

  private RawLines() {}

  /** Lines of the given files: {@code file_path, block_start, row_id, value}. */
  public static Dataset<Row> read(SparkSession spark, List<String> paths) {
    return read(spark, paths, false);
  }

  /**
   * As {@link #read(SparkSession, List)}; with {@code untilBroken}, a file whose stream breaks yields the
   * lines before the break (used only for files {@link GzipIntegrity} found damaged).
   */
  public static Dataset<Row> read(SparkSession spark, List<String> paths, boolean untilBroken) {
    return spark.read().format("text").option("ignoreCorruptFiles", String.valueOf(untilBroken))
        .load(paths.toArray(String[]::new))
        .select(
            col("_metadata.file_path").as("file_path"),
            col("_metadata.file_block_start").as("block_start"),
            monotonically_increasing_id().as("row_id"),
            col("value"));
  }

  /** One row per file block that has lines: {@code file_path, block_start, block_lines, first_id, first_line}. */
  public static Dataset<Row> blocks(Dataset<Row> lines) {
    return lines.groupBy("file_path", "block_start").agg(
        count(lit(1)).as("block_lines"),
        min("row_id").as("first_id"),
        min_by(col("value"), col("row_id")).as("first_line"));
  }

  /** Lines numbered from their blocks; without a blocks table, it is computed from the lines. */
  public static Dataset<Row> numbered(Dataset<Row> lines) {
    return numbered(lines, blocks(lines));
  }

  /**
   * {@code file_path, block_start, row_id, value} → {@code source_file, line_number, raw_line,
   * file_first_line} (the text of the file's line 1, for layouts that check their header).
   */
  public static Dataset<Row> numbered(Dataset<Row> lines, Dataset<Row> blocks) {
    WindowSpec byFile = Window.partitionBy("file_path").orderBy("block_start");
    Dataset<Row> offsets = blocks
        .withColumn("line_offset", coalesce(sum("block_lines").over(
            byFile.rowsBetween(Window.unboundedPreceding(), -1)), lit(0L)))
        .withColumn("file_first_line", first("first_line").over(byFile))
        // Renamed: the blocks may derive from the same lines, and a self-join needs distinct names.
        .select(col("file_path").as("b_file_path"), col("block_start").as("b_block_start"), col("first_id"),
            col("line_offset"), col("file_first_line"));
    return lines.join(broadcast(offsets), col("file_path").equalTo(col("b_file_path"))
            .and(col("block_start").equalTo(col("b_block_start"))))
        .select(
            col("file_path").as("source_file"),
            col("row_id").minus(col("first_id")).plus(col("line_offset")).plus(lit(1L)).as("line_number"),
            col("value").as("raw_line"),
            col("file_first_line"));
  }
}
