package io.tradelake.ingest;

import static org.apache.spark.sql.functions.col;

import io.tradelake.runtime.JobContext;
import io.tradelake.table.Tables;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The durable record of which files were ingested, by which run, with how many lines. */
public final class IngestLog {

  public static final StructType SCHEMA = new StructType()
      .add("file_path", DataTypes.StringType, false)
      .add("layout", DataTypes.StringType, false)
      .add("source_day", DataTypes.DateType, false)
      .add("size_bytes", DataTypes.LongType, false)
      .add("modification_time", DataTypes.TimestampType, false)
      .add("lines", DataTypes.LongType, false)
      .add("outcome", DataTypes.StringType, false)
      .add("batch", DataTypes.LongType, false)
      .add("ingest_run_id", DataTypes.StringType, false)
      .add("ingested_at", DataTypes.TimestampType, false);

  /**
   * Files split by what the log knows of them. {@code pending} are the files of the last logged batch when
   * that batch never reached bronze (its run was interrupted between the two commits): they are ingested
   * again under the same batch number, which Delta's transaction id makes idempotent.
   */
  public record Plan(List<RawFile> fresh, List<RawFile> seen, List<RawFile> changed, long lastBatch,
      List<RawFile> pending, List<RawFile> pendingChanged) {}

  /** ingest_log.outcome: the file's lines went to bronze (all of them, or up to a break when truncated). */
  public static final String READ = "read";
  public static final String TRUNCATED = "truncated";
  /** ingest_log.outcome: the file changed after an earlier batch read it; only a finding went to bronze. */
  public static final String CHANGED = "changed";

  /** The Delta transaction id a batch is appended to bronze under (its version: the batch number). */
  public static final String APP_ID = "tradelake-ingest";
  /** What to do when bronze or this log is lost: neither can be rebuilt from the other. */
  private static final String REBUILD_ADVICE = "restore it from a copy of the warehouse, or build a new warehouse "
      + "from the landing area (--warehouse <new folder>)";

  private IngestLog() {}

  public static Plan plan(JobContext ctx, List<RawFile> listed) {
    Map<String, Row> known = new HashMap<>();
    long lastBatch = 0;
    List<RawFile> lastBatchFiles = new ArrayList<>();
    List<RawFile> lastBatchChanged = new ArrayList<>();
    long lastBatchRows = 0;
    if (ctx.tables().exists(Tables.INGEST_LOG)) {
      // One row per file version ever logged: bounded by the number of files, not by their content.
      List<Row> rows = ctx.tables().read(Tables.INGEST_LOG)
          .select("file_path", "size_bytes", "modification_time", "layout", "source_day", "outcome", "batch", "lines")
          .collectAsList();
      for (Row r : rows) {
        // The latest version logged for a path is what a listed file is compared with.
        known.merge(r.getString(0), r, (a, b) -> a.getLong(6) >= b.getLong(6) ? a : b);
        lastBatch = Math.max(lastBatch, r.getLong(6));
      }
      for (Row r : rows) {
        if (r.getLong(6) == lastBatch) {
          RawFile f = new RawFile(r.getString(3), r.getDate(4).toLocalDate(), r.getString(0), r.getLong(1),
              r.getTimestamp(2).getTime());
          (CHANGED.equals(r.getString(5)) ? lastBatchChanged : lastBatchFiles).add(f);
          // Bronze rows the batch makes: its lines, and a finding per changed or truncated file.
          lastBatchRows += r.getLong(7) + (READ.equals(r.getString(5)) ? 0 : 1);
        }
      }
    }
    if (lastBatch == 0 && ctx.tables().exists(Tables.BRONZE)) {
      // A batch is logged before bronze is written: the log was lost. Every file would look new and be read
      // again, and bronze would skip the batches under numbers it already holds.
      throw new IllegalStateException("no " + Tables.INGEST_LOG + " table at " + ctx.tables().path(Tables.INGEST_LOG)
          + ", though " + Tables.BRONZE + " holds ingested batches: " + REBUILD_ADVICE);
    }
    if (lastBatch >= 2 && !ctx.tables().exists(Tables.BRONZE)) {
      // Every batch writes bronze, and a batch starts only once the one before is in it: bronze was lost. Reading
      // on would leave the earlier batches' lines out for good (their files are logged as read), and the files
      // may be gone from the landing area, so bronze is not rebuilt from them here. (A lost batch 1 is read again
      // below, as a batch logged but never written.)
      throw new IllegalStateException("no " + Tables.BRONZE + " table at " + ctx.tables().path(Tables.BRONZE)
          + ", though " + Tables.INGEST_LOG + " records batches 1 to " + lastBatch + " as read: " + REBUILD_ADVICE);
    }
    List<RawFile> fresh = new ArrayList<>();
    List<RawFile> seen = new ArrayList<>();
    List<RawFile> changed = new ArrayList<>();
    for (RawFile f : listed) {
      Row k = known.get(f.path());
      if (k == null) {
        fresh.add(f);
      } else if (k.getLong(1) == f.size() && k.getTimestamp(2).getTime() == f.modificationTime()) {
        seen.add(f);
      } else {
        changed.add(f);
      }
    }
    boolean landed = lastBatch == 0 || lastBatchRows == 0 || batchInBronze(ctx, lastBatch);
    return new Plan(List.copyOf(fresh), List.copyOf(seen), List.copyOf(changed), lastBatch,
        landed ? List.of() : List.copyOf(lastBatchFiles), landed ? List.of() : List.copyOf(lastBatchChanged));
  }

  private static boolean batchInBronze(JobContext ctx, long batch) {
    if (!ctx.tables().exists(Tables.BRONZE)) {
      return false;
    }
    // A batch is appended under Delta transaction (APP_ID, batch): the snapshot says so without a Spark job.
    if (ctx.tables().transactionVersion(Tables.BRONZE, APP_ID) >= batch) {
      return true;
    }
    // Otherwise (never landed, or the transaction expired) the rows tell. Delta skips files by the batch
    // column's min/max statistics: this reads almost nothing.
    return !ctx.tables().read(Tables.BRONZE).where(col("ingest_batch").equalTo(batch)).limit(1).isEmpty();
  }

  /** Logs a batch's files before its lines are written to bronze: the intent a rerun completes. */
  public static void record(JobContext ctx, long batch, List<RawFile> files, Map<String, Long> linesByFile,
      Map<String, String> damaged, List<RawFile> changed) {
    List<Row> rows = new ArrayList<>();
    Timestamp now = Timestamp.from(ctx.startedAt());
    for (RawFile f : files) {
      rows.add(RowFactory.create(f.path(), f.layout(), Date.valueOf(f.day()), f.size(),
          new Timestamp(f.modificationTime()), linesByFile.getOrDefault(f.path(), 0L),
          damaged.containsKey(f.path()) ? TRUNCATED : READ, batch, ctx.runId(), now));
    }
    for (RawFile f : changed) {
      rows.add(RowFactory.create(f.path(), f.layout(), Date.valueOf(f.day()), f.size(),
          new Timestamp(f.modificationTime()), 0L, CHANGED, batch, ctx.runId(), now));
    }
    ctx.tables().append(ctx.spark().createDataFrame(rows, SCHEMA).coalesce(1), Tables.INGEST_LOG);
  }
}
