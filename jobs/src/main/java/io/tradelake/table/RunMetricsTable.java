package io.tradelake.table;

import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The run-metrics table: one row per run, stage and table with the stage's ledger and I/O. Files and bytes
 * written count what the stage's commits added to that table; tables a stage writes besides its metrics
 * rows (quarantine, logs, intermediate cells) appear under their own name with rows 0 in, 0 out.
 */
public final class RunMetricsTable {

  public static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("stage", DataTypes.StringType, false)
      .add("table_name", DataTypes.StringType, false)
      .add("rows_in", DataTypes.LongType, false)
      .add("rows_out", DataTypes.LongType, false)
      .add("rows_quarantined", DataTypes.LongType, false)
      .add("duplicates_removed", DataTypes.LongType, false)
      .add("balanced", DataTypes.BooleanType, false)
      .add("rule_counts", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
      .add("duration_ms", DataTypes.LongType, false)
      .add("files_read", DataTypes.LongType, false)
      .add("bytes_read", DataTypes.LongType, false)
      .add("files_written", DataTypes.LongType, false)
      .add("bytes_written", DataTypes.LongType, false)
      .add("run_started_at", DataTypes.TimestampType, false);

  private RunMetricsTable() {}

  /** A row of this table back as the metrics it was written from. */
  public static StageMetrics metrics(Row r) {
    return new StageMetrics(r.getAs("stage"), r.getAs("table_name"), r.<Long>getAs("rows_in"),
        r.<Long>getAs("rows_out"),
        r.<Long>getAs("rows_quarantined"), r.<Long>getAs("duplicates_removed"),
        r.<String, Long>getJavaMap(r.fieldIndex("rule_counts")), r.<Long>getAs("duration_ms"),
        r.<Long>getAs("files_read"), r.<Long>getAs("bytes_read"), r.<Long>getAs("files_written"),
        r.<Long>getAs("bytes_written"));
  }

  public static void append(JobContext ctx, List<StageMetrics> metrics) {
    List<Row> rows = new ArrayList<>();
    for (StageMetrics m : metrics) {
      rows.add(RowFactory.create(ctx.runId(), m.stage(), m.table(), m.rowsIn(), m.rowsOut(), m.rowsQuarantined(),
          m.duplicatesRemoved(), m.balanced(), m.ruleCounts(),
          m.durationMs(), m.filesRead(), m.bytesRead(), m.filesWritten(), m.bytesWritten(), Timestamp.from(ctx.startedAt())));
    }
    ctx.tables().append(ctx.spark().createDataFrame(rows, SCHEMA).coalesce(1), Tables.RUN_METRICS);
  }
}
