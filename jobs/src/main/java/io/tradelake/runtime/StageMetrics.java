package io.tradelake.runtime;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one stage did to one table: the ledger every stage must balance,
 * {@code rowsIn = rowsOut + rowsQuarantined + duplicatesRemoved}.
 */
public record StageMetrics(
    String stage,
    String table,
    long rowsIn,
    long rowsOut,
    long rowsQuarantined,
    long duplicatesRemoved,
    Map<String, Long> ruleCounts,
    long durationMs) {

  public StageMetrics {
    ruleCounts = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(ruleCounts));
  }

  public static StageMetrics passThrough(String stage, String table, long rowsIn, long rowsOut, long durationMs) {
    return new StageMetrics(stage, table, rowsIn, rowsOut, 0, 0, Map.of(), durationMs);
  }

  public boolean balanced() {
    return rowsIn == rowsOut + rowsQuarantined + duplicatesRemoved;
  }

  public StageMetrics withDuration(long ms) {
    return new StageMetrics(stage, table, rowsIn, rowsOut, rowsQuarantined, duplicatesRemoved, ruleCounts, ms);
  }
}
