package io.tradelake.clean;

import io.tradelake.runtime.JobContext;
import io.tradelake.table.BatchProgress;
import io.tradelake.table.Tables;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a clean run takes on, decided from clean_log and the tables themselves: the bronze batches, which of
 * their rows silver and quarantine hold already, and whether both tables are replaced.
 *
 * @param last the last range clean_log records (or, that ledger lost, the one silver's or quarantine's writes
 *     say), whose settings the run compares with its own
 * @param range the batches to clean
 * @param silverHeld silver holds the rows of the batches up to this one already: only later batches' are written
 * @param quarantineHeld the same for quarantine
 * @param replace both tables are replaced by the rows of every batch, not appended to
 * @param silverLost silver does not exist
 */
record CleanPlan(Optional<BatchProgress.Range> last, BatchProgress.Range range, long silverHeld,
    long quarantineHeld, boolean replace, boolean silverLost) {

  private static final Logger LOG = LoggerFactory.getLogger(CleanPlan.class);

  static CleanPlan of(JobContext ctx, long available, boolean rebuild) {
    Optional<BatchProgress.Range> last = new BatchProgress(ctx, Tables.CLEAN_LOG).last();
    boolean silverLost = !ctx.tables().exists(Tables.SILVER);
    boolean quarantineLost = !ctx.tables().exists(Tables.QUARANTINE);
    if (last.isEmpty() && !(silverLost && quarantineLost)) {
      // clean_log lost: silver's (else quarantine's) own writes say which batches were cleaned.
      String held = silverLost ? Tables.QUARANTINE : Tables.SILVER;
      last = Optional.of(new BatchProgress.Range(0, cleanedUpTo(ctx, held), true));
      LOG.warn("clean: no {} table, but {} holds bronze batches up to {}: going on from there", Tables.CLEAN_LOG,
          held, last.get().to());
    }
    BatchProgress.Range range = rebuild ? new BatchProgress.Range(0, available, false)
        : BatchProgress.next(last, available);
    // Both tables replaced by every batch's rows: asked for, or a rebuild (or a first clean) an interrupted run
    // left unfinished. Writing the same replacement again is exact, where appends under a used transaction
    // version would be skipped.
    boolean replace = rebuild || range.from() == 0 && last.isPresent() && !silverLost && !quarantineLost;
    if (replace || range.from() == 0 || !(silverLost || quarantineLost)) {
      return new CleanPlan(last, range, 0, 0, replace, silverLost);
    }
    // A table lost (deleted, or a restore that left it out) while clean_log says its batches were cleaned:
    // without this, every run would find nothing new, and the lost rows would stay lost.
    LOG.warn("clean: {} lost, though bronze batches up to {} were cleaned: cleaning them again from bronze to "
        + "write it again", silverLost && quarantineLost ? Tables.SILVER + " and " + Tables.QUARANTINE
        : silverLost ? Tables.SILVER : Tables.QUARANTINE, range.from());
    return new CleanPlan(last, new BatchProgress.Range(0, range.to(), false), silverLost ? 0 : range.from(),
        quarantineLost ? 0 : range.from(), false, silverLost);
  }

  /** Silver keeps rows of earlier batches, which this run's join: their settings must agree. */
  boolean joinsEarlierRows() {
    return !replace && (range.from() > 0 || silverHeld > 0);
  }

  /**
   * The last bronze batch {@code table} (silver or quarantine) was written for: the Delta transaction of its last
   * append (no Spark job), else (the transaction expired) the highest batch among its rows.
   */
  private static long cleanedUpTo(JobContext ctx, String table) {
    long version = ctx.tables().transactionVersion(table, table.equals(Tables.SILVER) ? CleanJob.SILVER_APP_ID
        : CleanJob.QUARANTINE_APP_ID);
    if (version >= 0) {
      return version;
    }
    return BatchProgress.highestBatch(ctx.tables().read(table));
  }
}
