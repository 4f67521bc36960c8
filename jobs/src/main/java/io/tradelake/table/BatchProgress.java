package io.tradelake.table;

import static org.apache.spark.sql.functions.col;

import io.tradelake.runtime.JobContext;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
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
      .add("at", DataTypes.TimestampType, false);

  /** Batches (from, to] and whether a run already finished them. */
  public record Range(long from, long to, boolean done) {
    public boolean isEmpty() {
      return to <= from;
    }
  }

  private final JobContext ctx;
  private final String table;

  public BatchProgress(JobContext ctx, String table) {
    this.ctx = ctx;
    this.table = table;
  }

  /** The last range any run started, if any (a handful of rows per run: bounded by the number of runs). */
  public Optional<Range> last() {
    if (!ctx.tables().exists(table)) {
      return Optional.empty();
    }
    Row max = ctx.tables().read(table).agg(org.apache.spark.sql.functions.max("batch_to")).first();
    if (max.isNullAt(0)) {
      return Optional.empty();
    }
    List<Row> rows = ctx.tables().read(table).where(col("batch_to").equalTo(max.getLong(0)))
        .select("batch_from", "batch_to", "phase").collectAsList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    boolean done = rows.stream().anyMatch(r -> DONE.equals(r.getString(2)));
    return Optional.of(new Range(rows.get(0).getLong(0), rows.get(0).getLong(1), done));
  }

  /** The range this run must process, given the highest batch available upstream. */
  public Range next(long availableTo) {
    return last()
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
    Row row = RowFactory.create(r.from(), r.to(), phase, ctx.runId(), new Timestamp(System.currentTimeMillis()));
    ctx.tables().append(ctx.spark().createDataFrame(List.of(row), SCHEMA), table);
  }
}
