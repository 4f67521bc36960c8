package io.tradelake.cli;

import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.Tables;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The table printed at the end of a run, and by {@code status} for past runs: each stage's ledger, quarantine
 * by rule, time taken, and the files and megabytes its commits added to each table (files+, MB+).
 */
final class RunSummary {

  private RunSummary() {}

  static void print(PrintStream out, String runId, String warehouse, List<StageMetrics> metrics, long elapsedMs) {
    out.println();
    out.printf("TradeLake run %s — warehouse %s%n", runId, warehouse);
    printLedger(out, metrics);
    out.printf("elapsed %.1f s%n", elapsedMs / 1000.0);
    out.printf("tables (Delta) are under %s/ — e.g. %s/%s%n", warehouse, warehouse, Tables.GROWTH_BY_MARKET);
  }

  /** One run's ledger rows, each with its details below it: raw files read, and counts by rule or kind. */
  static void printLedger(PrintStream out, List<StageMetrics> metrics) {
    out.printf("%-10s %-27s %12s %12s %12s %12s %9s %8s %7s %10s%n", "stage", "table", "rows_in", "rows_out",
        "quarantined", "duplicates", "balanced", "seconds", "files+", "MB+");
    for (StageMetrics m : metrics) {
      out.printf("%-10s %-27s %12d %12d %12d %12d %9s %8.1f %7d %10.2f%n", m.stage(), m.table(), m.rowsIn(),
          m.rowsOut(), m.rowsQuarantined(), m.duplicatesRemoved(), m.balanced() ? "yes" : "NO",
          m.durationMs() / 1000.0, m.filesWritten(), m.bytesWritten() / 1e6);
      if (m.filesRead() > 0) {
        out.printf("%-10s   %-37s %12d files, %.2f MB%n", "", "read", m.filesRead(), m.bytesRead() / 1e6);
      }
      for (Map.Entry<String, Long> e : m.ruleCounts().entrySet()) {
        out.printf("%-10s   %-37s %12d%n", "", e.getKey(), e.getValue());
      }
    }
  }
}
