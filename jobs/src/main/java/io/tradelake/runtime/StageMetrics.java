package io.tradelake.runtime;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one stage did to one table: the ledger every stage must balance,
 * {@code rowsIn = rowsOut + rowsQuarantined + duplicatesRemoved}, and the I/O behind it (raw files read
 * by ingest; files and bytes the stage's commits added to the table).
 */
public record StageMetrics(
    String stage,
    String table,
    long rowsIn,
    long rowsOut,
    long rowsQuarantined,
    long duplicatesRemoved,
    Map<String, Long> ruleCounts,
    long durationMs,
    long filesRead,
    long bytesRead,
    long filesWritten,
    long bytesWritten) {

  public StageMetrics {
    ruleCounts = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(ruleCounts));
  }

  public StageMetrics(String stage, String table, long rowsIn, long rowsOut, long rowsQuarantined,
      long duplicatesRemoved, Map<String, Long> ruleCounts, long durationMs) {
    this(stage, table, rowsIn, rowsOut, rowsQuarantined, duplicatesRemoved, ruleCounts, durationMs, 0, 0, 0, 0);
  }

  public static StageMetrics passThrough(String stage, String table, long rowsIn, long rowsOut, long durationMs) {
    return new StageMetrics(stage, table, rowsIn, rowsOut, 0, 0, Map.of(), durationMs);
  }

  public boolean balanced() {
    return rowsIn == rowsOut + rowsQuarantined + duplicatesRemoved;
  }

  public StageMetrics withDuration(long ms) {
    return new StageMetrics(stage, table, rowsIn, rowsOut, rowsQuarantined, duplicatesRemoved, ruleCounts, ms,
        filesRead, bytesRead, filesWritten, bytesWritten);
  }

  public StageMetrics withRead(long files, long bytes) {
    return new StageMetrics(stage, table, rowsIn, rowsOut, rowsQuarantined, duplicatesRemoved, ruleCounts,
        durationMs, files, bytes, filesWritten, bytesWritten);
  }

  public StageMetrics withWritten(long files, long bytes) {
    return new StageMetrics(stage, table, rowsIn, rowsOut, rowsQuarantined, duplicatesRemoved, ruleCounts,
        durationMs, filesRead, bytesRead, files, bytes);
  }
}
