package io.tradelake.table;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;

import io.tradelake.runtime.JobContext;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A stage's progress through bronze batches: each run takes the range (from, to] of batches it has not
 * processed, records STARTED before writing and DONE after. A range left STARTED by an interrupted run is
 * the next run's range again, so its Delta writes (under transaction ids keyed by {@code to}) stay exactly once.
 */
public final class BatchProgress {

  public static final String STARTED = "STARTED";
  public static final String DONE = "DONE";

  static final StructType SCHEMA = new StructType()
      .add("batch_from", DataTypes.LongType, false)
      .add("batch_to", DataTypes.LongType, false)
      .add("phase", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("at", DataTypes.TimestampType, false)
      .add("settings", DataTypes.StringType, true);

  /**
   * Batches (from, to], whether a run already finished them, and the settings the last run to mark them
   * recorded (null when it recorded none).
   */
  public record Range(long from, long to, boolean done, String settings) {
    public Range(long from, long to, boolean done) {
      this(from, to, done, null);
    }

    public boolean isEmpty() {
      return to <= from;
    }
  }

  private final JobContext ctx;
  private final String table;
  private final StageSettings settings;

  /** Progress read only (status). */
  public BatchProgress(JobContext ctx, String table) {
    this(ctx, table, null);
  }

  /** Progress of a stage that records {@code settings} with every range it marks. */
  public BatchProgress(JobContext ctx, String table, StageSettings settings) {
    this.ctx = ctx;
    this.table = table;
    this.settings = settings;
  }

  /**
   * The range of the last mark (the highest batch_to, then the latest time), whether that mark is DONE, and
   * the settings it recorded. A range started again from batch 0 (a rebuild) is then the last range, though an
   * earlier one ends at the same batch. A handful of rows per run: bounded by the number of runs.
   */
  public Optional<Range> last() {
    return last(ctx.tables(), table);
  }

  /** {@link #last()} of the ledger {@code table} among {@code tables}, for a command without a run. */
  public static Optional<Range> last(Tables tables, String table) {
    if (!tables.exists(table)) {
      return Optional.empty();
    }
    // A log written before settings were recorded has no such column.
    Dataset<Row> log = tables.read(table);
    boolean recordsSettings = List.of(log.columns()).contains("settings");
    // DONE sorts after STARTED within the same millisecond.
    Row last = log.agg(max(struct(col("batch_to"), col("at"), col("phase").equalTo(DONE), col("batch_from"),
        recordsSettings ? col("settings") : lit(null).cast("string")))).first();
    if (last.isNullAt(0)) {
      return Optional.empty();
    }
    Row mark = last.getStruct(0);
    return Optional.of(new Range(mark.getLong(3), mark.getLong(0), mark.getBoolean(2), mark.getString(4)));
  }

  /** The highest ingest batch among {@code rows} (a stage's input table), 0 when it holds none. */
  public static long highestBatch(Dataset<Row> rows) {
    Row top = rows.agg(max("ingest_batch")).first();
    return top.isNullAt(0) ? 0 : top.getLong(0);
  }

  /** The range this run must process, given the highest batch available upstream. */
  public Range next(long availableTo) {
    return next(last(), availableTo);
  }

  /** The range to process after {@code last} (see {@link #last()}): the rest, or {@code last} again if unfinished. */
  public static Range next(Optional<Range> last, long availableTo) {
    return last
        .map(r -> r.done() ? new Range(r.to(), availableTo, false) : r)
        .orElse(new Range(0, availableTo, false));
  }

  public void started(Range r) {
    mark(r, STARTED);
  }

  public void done(Range r) {
    mark(r, DONE);
  }

  /** Forgets all progress: the next run starts from batch 0 (after a full rebuild). */
  public void reset() {
    if (ctx.tables().exists(table)) {
      ctx.tables().overwrite(ctx.spark().createDataFrame(List.of(), SCHEMA), table);
    }
  }

  private void mark(Range r, String phase) {
    Row row = RowFactory.create(r.from(), r.to(), phase, ctx.runId(), new Timestamp(System.currentTimeMillis()),
        settings == null ? null : settings.text());
    // Merging the schema: a log written before settings were recorded gets the column.
    ctx.tables().appendMergingSchema(ctx.spark().createDataFrame(List.of(row), SCHEMA), table);
  }
}
