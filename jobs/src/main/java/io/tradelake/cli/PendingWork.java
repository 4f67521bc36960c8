package io.tradelake.cli;

import io.tradelake.clean.FxRates;
import io.tradelake.ingest.IngestLog;
import io.tradelake.ingest.LandingArea;
import io.tradelake.ingest.RawFile;
import io.tradelake.model.BuyerSegmentationJob;
import io.tradelake.model.ModelRuns;
import io.tradelake.runtime.JobContext;
import io.tradelake.table.BatchProgress;
import io.tradelake.table.StageSettings;
import io.tradelake.table.Tables;
import io.tradelake.table.WarehouseLock;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What the next run would find to do, stage by stage, read from the landing area and the ledgers the stages
 * decide with (ingest_log, clean_log, aggregate_log). Reads only: a status check never writes to the warehouse.
 */
final class PendingWork {

  private PendingWork() {}

  static void print(PrintStream out, JobContext ctx) {
    Optional<WarehouseLock.Holder> holder = WarehouseLock.holder(ctx.tables().root(),
        ctx.spark().sparkContext().hadoopConfiguration());
    boolean running = holder.isPresent() && !holder.get().stale();
    holder.ifPresent(h -> out.printf("%n%s%n", h.stale()
        ? "left locked by " + h.run() + ", whose process is gone: the next run takes the lock over"
        : "running now: " + h.run()));
    out.printf("%nwaiting for the next run%s:%n", running ? " (or taken by the one running now)" : "");
    out.printf("  %-10s %s%n", "ingest", ingest(ctx));
    out.printf("  %-10s %s%n", "clean", batches(ctx, Tables.BRONZE, Tables.CLEAN_LOG, "ingest",
        () -> StageSettings.cleanWithoutKey(ctx.settings(), fxRates(ctx)), StageSettings.CLEAN_FIXED,
        "clean, aggregate and model stop before they write", "they apply to new rows only"));
    out.printf("  %-10s %s%n", "aggregate", batches(ctx, Tables.SILVER, Tables.AGGREGATE_LOG, "clean",
        () -> StageSettings.aggregate(ctx.settings()), List.of(), "", "aggregate builds its cells again"));
    out.printf("  %-10s %s%n", "model", buyerModel(ctx));
  }

  /**
   * The model stage trains on every run; what status can say is which saved buyer model {@code model --score}
   * would load, and whether silver has been cleaned again under other settings since it was trained.
   */
  static String buyerModel(JobContext ctx) {
    Optional<ModelRuns.SavedModel> saved = ModelRuns.latest(ctx.tables(), BuyerSegmentationJob.MODEL_NAME);
    if (saved.isEmpty()) {
      return "trains on each run; no saved buyer model yet for model --score";
    }
    String changed = ModelRuns.silverChangedSince(saved.get(), ModelRuns.silverSettings(ctx));
    return changed.isEmpty()
        ? "trains on each run; model --score loads the buyer model of run " + saved.get().runId()
        : "trains on each run; model --score stops until then: its buyer model (run " + saved.get().runId()
            + ") was trained before silver was cleaned again with " + changed;
  }

  /**
   * What the stage would say of this command's settings against those it last recorded: nothing when they are
   * the same; else the changed ones, and whether the stage would stop ({@code fixed} among them) or go on.
   * {@code settings} are made only when the last range recorded some.
   */
  static String settingsChange(Supplier<StageSettings> settings, Optional<BatchProgress.Range> last,
      List<String> fixed, String stops, String goesOn) {
    if (last.isEmpty() || last.get().settings() == null) {
      return "";
    }
    // Made only when there is something to compare them with: the FX table is read for it.
    StageSettings now = settings.get();
    StageSettings earlier = StageSettings.parse(last.get().settings());
    List<String> changed = now.changedFrom(earlier);
    if (changed.isEmpty()) {
      return "";
    }
    boolean stop = changed.stream().anyMatch(fixed::contains);
    return "; with these settings " + (stop ? stops : goesOn) + ": " + now.describeChanges(earlier, changed)
        + " changed since its last run";
  }

  /** The FX table's description, as clean records it; null (not compared) when it cannot be read. */
  static String fxRates(JobContext ctx) {
    try {
      return FxRates.contents(FxRates.load(ctx.spark(), ctx.settings().fxRatesFile())).description();
    } catch (RuntimeException e) {
      // What a run would stop on, not status: it reports what it can.
      return null;
    }
  }

  /** The landed files the ingest log does not know yet, as ingest itself would split them. */
  static String ingest(JobContext ctx) {
    String input = Tables.absolute(ctx.settings().input());
    IngestLog.Plan plan;
    LandingArea.Listing listing;
    try {
      listing = LandingArea.forRun(ctx);
      plan = IngestLog.plan(ctx, listing.files());
    } catch (RuntimeException e) {
      // A missing landing area or a lost ledger is what a run would stop on: said here, not thrown.
      return "cannot tell: " + TradeLake.oneLine(e);
    }
    List<RawFile> fresh = plan.fresh();
    StringBuilder said = new StringBuilder();
    if (fresh.isEmpty()) {
      said.append("no new raw files in ").append(input);
    } else {
      TreeSet<LocalDate> days = new TreeSet<>();
      fresh.forEach(f -> days.add(f.day()));
      long bytes = fresh.stream().mapToLong(RawFile::size).sum();
      said.append(String.format(Locale.ROOT, "%,d new raw file%s (%s) of %d day%s, %s", fresh.size(),
          fresh.size() == 1 ? "" : "s", size(bytes), days.size(), days.size() == 1 ? "" : "s",
          days.size() == 1 ? days.first() : days.first() + " to " + days.last()));
    }
    if (!plan.changed().isEmpty()) {
      said.append(String.format(Locale.ROOT, "; %,d changed since read (quarantined as changed_file)",
          plan.changed().size()));
    }
    if (!listing.settling().isEmpty()) {
      said.append(String.format(Locale.ROOT, "; %,d modified less than %s ago, left for a later run "
          + "(ingest.min-file-age)", listing.settling().size(), ctx.settings().ingestMinFileAge().toSeconds() + " s"));
    }
    if (!plan.pending().isEmpty() || !plan.pendingChanged().isEmpty()) {
      said.append("; batch ").append(plan.lastBatch()).append(" to complete (its run stopped before bronze)");
    }
    return said.toString();
  }

  /** The upstream table's batches its stage has not finished, by the same reckoning the stage makes. */
  static String batches(JobContext ctx, String upstream, String ledger, String upstreamStage,
      Supplier<StageSettings> now, List<String> fixed, String stops, String goesOn) {
    if (!ctx.tables().exists(upstream)) {
      return "nothing yet: no " + upstream + " (" + upstreamStage + " writes it)";
    }
    long available = BatchProgress.highestBatch(ctx.tables().read(upstream));
    Optional<BatchProgress.Range> last = new BatchProgress(ctx, ledger).last();
    BatchProgress.Range next = BatchProgress.next(last, available);
    // From batch 0 (an unfinished rebuild or first run) everything is made again: no earlier rows to mix with.
    String change = next.from() == 0 ? "" : settingsChange(now, last, fixed, stops, goesOn);
    if (next.isEmpty()) {
      return "nothing new: " + upstream + " batches up to " + available + " are done" + change;
    }
    String range = next.to() == next.from() + 1 ? "batch " + next.to() : "batches " + (next.from() + 1) + " to "
        + next.to();
    return upstream + " " + range + (last.isPresent() && !last.get().done() ? " (an unfinished run's, again)" : "")
        + change;
  }

  private static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
  }
}
