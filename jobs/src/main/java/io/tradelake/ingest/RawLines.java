package io.tradelake.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/** Reads raw files as lines, each with its file and 1-based line number. Gzip is read by extension. */
public final class RawLines {

  private RawLines() {}

  /** Lines of the given files: {@code file_path, block_start, read_order, value}. */
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
            // Increases in read order within a task; a file block is read by one task, in order.
            monotonically_increasing_id().as("read_order"),
            col("value"));
  }

  /** {@code file_path, block_start, read_order, value} → {@code source_file, line_number, raw_line}. */
  public static Dataset<Row> numbered(Dataset<Row> lines) {
    return lines
        .withColumn("line_number", row_number().over(
            Window.partitionBy("file_path").orderBy(col("block_start"), col("read_order"))).cast("long"))
        .select(col("file_path").as("source_file"), col("line_number"), col("value").as("raw_line"));
  }
}
