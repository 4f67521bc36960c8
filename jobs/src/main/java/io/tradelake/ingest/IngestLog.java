package io.tradelake.ingest;

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
      .add("ingest_run_id", DataTypes.StringType, false)
      .add("ingested_at", DataTypes.TimestampType, false);

  /** Files split by what the log knows of them. */
  public record Plan(List<RawFile> fresh, List<RawFile> seen, List<RawFile> changed) {}

  private IngestLog() {}

  public static Plan plan(JobContext ctx, List<RawFile> listed) {
    Map<String, Row> known = new HashMap<>();
    if (ctx.tables().exists(Tables.INGEST_LOG)) {
      // One row per file ever ingested: bounded by the number of files, not by their content.
      for (Row r : ctx.tables().read(Tables.INGEST_LOG)
          .select("file_path", "size_bytes", "modification_time").collectAsList()) {
        known.put(r.getString(0), r);
      }
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
    return new Plan(List.copyOf(fresh), List.copyOf(seen), List.copyOf(changed));
  }

  public static void record(JobContext ctx, List<RawFile> files, Map<String, Long> linesByFile) {
    List<Row> rows = new ArrayList<>();
    Timestamp now = Timestamp.from(ctx.startedAt());
    for (RawFile f : files) {
      rows.add(RowFactory.create(f.path(), f.layout(), Date.valueOf(f.day()), f.size(),
          new Timestamp(f.modificationTime()), linesByFile.getOrDefault(f.path(), 0L), ctx.runId(), now));
    }
    ctx.tables().append(ctx.spark().createDataFrame(rows, SCHEMA).coalesce(1), Tables.INGEST_LOG);
  }
}
