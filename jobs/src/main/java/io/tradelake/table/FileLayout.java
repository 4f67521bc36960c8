package io.tradelake.table;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Lays out rows for a partitioned append so that Delta's auto compaction finds nothing to rewrite. Without it
 * every task writes a file into every partition value it holds (silver: 4 tasks × 6 years = 24 files of a
 * sixth of a task's rows), and the compaction after the commit reads and rewrites them all. Here a value
 * with a big share of every task stays in place, and each other value gets tasks of its own, one per file it
 * needs, so its rows land in one file, or in files big enough that compaction leaves them alone (it rewrites
 * files under {@code spark.databricks.delta.autoCompact.minFileSize}, 16 MB in reference.conf).
 */
public final class FileLayout {

  /** Rows per file beyond the first: about 90 MB of silver (about 100 bytes a row), far above a small file. */
  public static final long ROWS_PER_FILE = 900_000L;

  /** Rows per input task from which a value is written in place: about 30 MB of silver, twice a small file. */
  public static final long ROWS_IN_PLACE = 300_000L;

  private FileLayout() {}

  /**
   * A small table's rows (a few thousand cells) in one task, so a write gives one file per partition value,
   * which auto compaction leaves alone; four tasks would write four small files per value, then rewrite them.
   */
  public static Dataset<Row> small(Dataset<Row> rows) {
    return rows.coalesce(1);
  }

  /** Files for one partition value: one, or as many as still hold {@code rowsPerFile} rows each. */
  static int files(long rows, long rowsPerFile) {
    return (int) Math.max(1, rows / rowsPerFile);
  }

  /**
   * {@code rows} laid out for a write partitioned by {@code partitionColumn}. A value with at least
   * {@code minRowsInPlace} rows per input task stays where it is: each task writes a file of it big enough for
   * compaction to leave alone, and moving its rows would cost a shuffle for nothing (clean's input tasks each
   * hold an even share of every year, as deduplication hashes rows by event id). The other values are moved
   * into tasks of their own, one per file: one, or as many as still hold {@code rowsPerFile} rows each, a
   * value's rows spread over its files by a hash of {@code spreadColumns}. {@code rowsByValue} holds each
   * value's row count (a value it lacks shares the first moved task, which is still correct, only one file
   * more). Counting the input's tasks plans {@code rows}: give it rows that are persisted (clean's are), or
   * whose plan has no shuffle, or adaptive execution runs the shuffles once more for the count.
   */
  public static Dataset<Row> forPartitionedWrite(Dataset<Row> rows, String partitionColumn,
      Map<?, Long> rowsByValue, long rowsPerFile, long minRowsInPlace, String... spreadColumns) {
    if (rowsByValue.isEmpty()) {
      return rows;
    }
    // Counting the input's tasks plans the rows; a batch whose biggest value could not fill even one task
    // (a day's) is all moved, without that planning.
    int inputTasks = Collections.max(rowsByValue.values()) >= minRowsInPlace ? rows.rdd().getNumPartitions() : 0;
    Column spread = xxhash64(Arrays.stream(spreadColumns).map(functions::col).toArray(Column[]::new));
    Column task = null;
    Column inPlace = null;
    int offset = 0;
    for (Map.Entry<?, Long> e : rowsByValue.entrySet()) {
      Column matches = col(partitionColumn).eqNullSafe(lit(e.getKey()));
      if (inputTasks > 0 && e.getValue() / inputTasks >= minRowsInPlace) {
        inPlace = inPlace == null ? matches : inPlace.or(matches);
        continue;
      }
      int files = files(e.getValue(), rowsPerFile);
      Column first = lit(offset);
      Column value = files == 1 ? first : first.plus(pmod(spread, lit((long) files)));
      task = task == null ? when(matches, value) : task.when(matches, value);
      offset += files;
    }
    if (task == null) {
      return rows;
    }
    // Task ids are the partition ids themselves: no hashing, so no two values share a task.
    Column taskId = task.otherwise(lit(0)).cast("int");
    if (inPlace == null) {
      return rows.repartitionById(offset, taskId);
    }
    return rows.where(inPlace).union(rows.where(not(inPlace)).repartitionById(offset, taskId));
  }
}
