package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.col;

import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.runtime.StageSqlConf;
import io.tradelake.table.BatchProgress;
import io.tradelake.table.FileLayout;
import io.tradelake.table.StageSettings;
import io.tradelake.table.Tables;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silver → the gold tables growth_by_market and youth_consumption_channel, through their cells (growth_cells,
 * youth_cells: additive measures per year). Incremental: only the years that new silver events touch change
 * (a late CANCEL touches its order's year too). A small batch (a day) updates their cells from the facts of the
 * orders and buyers it touches ({@link FactsChange}); a larger one recomputes those years. Growth rates and
 * shares are then recomputed over the small tables of cells. The first run, or one after the cells were lost,
 * is a full build.
 */
public final class AggregateJob implements Job {

  private static final Logger LOG = LoggerFactory.getLogger(AggregateJob.class);
  public static final String NAME = "aggregate";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean readsSilver() {
    return true;
  }

  /**
   * Whether the stored cells were built under other settings than this run's (who counts as a young buyer):
   * updated, they would mix two definitions across years, so they are built again from all of silver.
   */
  static boolean settingsChanged(StageSettings now, BatchProgress.Range last) {
    StageSettings earlier = StageSettings.parse(last.settings());
    List<String> changed = now.changedFrom(earlier);
    if (!changed.isEmpty()) {
      LOG.warn("aggregate: {} changed since the cells were built: building them again from all of silver",
          now.describeChanges(earlier, changed));
    }
    return !changed.isEmpty();
  }

  @Override
  public List<StageMetrics> run(JobContext ctx) {
    long start = System.currentTimeMillis();
    Dataset<Row> silver = ctx.tables().readInput(Tables.SILVER, "clean");
    long available = BatchProgress.highestBatch(silver);
    StageSettings settings = StageSettings.aggregate(ctx.settings());
    BatchProgress progress = new BatchProgress(ctx, Tables.AGGREGATE_LOG, settings);
    Optional<BatchProgress.Range> last = progress.last();
    // Cells stored without their additive measures (an earlier version's) cannot be updated: rebuilt once.
    // A full build an interrupted run left STARTED (its range begins at batch 0) is a full build again.
    boolean full = !ctx.tables().exists(Tables.GROWTH_CELLS) || !ctx.tables().exists(Tables.YOUTH_CELLS)
        || !List.of(ctx.tables().described(Tables.GROWTH_CELLS).schema().fieldNames()).contains("fact_rows")
        || last.isEmpty() || last.get().from() == 0 && !last.get().done()
        || settingsChanged(settings, last.get());
    BatchProgress.Range range = full ? new BatchProgress.Range(0, available, false)
        : BatchProgress.next(last, available);
    boolean nothingNew = !full && range.isEmpty();
    // A gold table lost (deleted by hand) is written again from the cells, even when nothing is new.
    if (nothingNew && ctx.tables().exists(Tables.GROWTH_BY_MARKET) && ctx.tables().exists(Tables.YOUTH_CHANNEL)) {
      LOG.info("aggregate: no new silver batches since batch {}", range.from());
      return List.of(StageMetrics.passThrough(NAME, Tables.GROWTH_BY_MARKET, 0, 0, System.currentTimeMillis() - start));
    }
    if (nothingNew) {
      LOG.warn("aggregate: no new silver batches since batch {}, but a gold table is missing: writing both from "
          + "their cells", range.from());
    } else {
      progress.started(range);
    }
    Dataset<Row> fresh = silver.where(col("ingest_batch").gt(range.from()).and(col("ingest_batch").leq(range.to())));

    ctx.describe(NAME, "count new silver events by type");
    Map<String, Long> byType = new TreeMap<>();
    for (Row r : fresh.groupBy(col("event_type")).count().collectAsList()) {
      byType.put("events_" + r.getString(0).toLowerCase(Locale.ROOT), r.getLong(1));
    }
    long rowsIn = byType.values().stream().mapToLong(Long::longValue).sum();

    long growthCells;
    long youthCells;
    if (nothingNew) {
      growthCells = 0;
      youthCells = 0;
    } else if (full) {
      LOG.info("aggregate: full build from all silver events");
      // The cancels are counted already: broadcast when few, else every order is shuffled twice (both tables).
      Dataset<Row> facts = SalesFacts.from(silver, silver,
          byType.getOrDefault("events_cancel", 0L) <= SalesFacts.MAX_BROADCAST_CANCELS);
      ctx.describe(NAME, "write growth cells (all years)");
      growthCells = ctx.tables().overwrite(FileLayout.small(GrowthByMarket.cells(facts)), Tables.GROWTH_CELLS,
          "period_year");
      ctx.describe(NAME, "write youth cells (all years)");
      youthCells = ctx.tables().overwrite(
          FileLayout.small(YouthConsumptionChannel.cells(facts, ctx.settings().youth())), Tables.YOUTH_CELLS,
          "period_year");
    } else if (rowsIn <= JobContext.SMALL_BATCH_ROWS) {
      // A day changes a few thousand orders and buyers: only their facts are measured, before and after it.
      ctx.describe(NAME, "find the years, orders and buyers new events touch");
      FactsChange change = FactsChange.of(silver, range.from(), range.to());
      String yearPredicate = inYears(change.years());
      LOG.info("aggregate: updating the cells of years {} with the orders and buyers new events touch",
          change.years());
      try {
        ctx.describe(NAME, "read the events of touched orders and buyers in " + change.years());
        change = change.persisted();
        try (StageSqlConf few = ctx.smallData()) {
          growthCells = updateGrowthCells(ctx, change, yearPredicate, range);
          youthCells = updateYouthCells(ctx, change, yearPredicate, range);
        }
      } finally {
        change.unpersist();
      }
    } else {
      ctx.describe(NAME, "find years touched by new events");
      List<Integer> years = FactsChange.touchedYears(fresh, FactsChange.cancelledOrderLines(silver, fresh, false));
      String yearPredicate = inYears(years);
      LOG.info("aggregate: recomputing years {}", years);
      Dataset<Row> facts = SalesFacts.from(silver.where(col("event_year").isin(years.toArray())), silver,
          SalesFacts.fewCancels(silver));
      ctx.describe(NAME, "replace growth cells of " + years);
      growthCells = ctx.tables().replaceWhere(FileLayout.small(GrowthByMarket.cells(facts)), Tables.GROWTH_CELLS,
          yearPredicate, "period_year");
      ctx.describe(NAME, "replace youth cells of " + years);
      youthCells = ctx.tables().replaceWhere(
          FileLayout.small(YouthConsumptionChannel.cells(facts, ctx.settings().youth())), Tables.YOUTH_CELLS,
          yearPredicate, "period_year");
    }
    long growthRows;
    long youthRows;
    // The gold tables from their cells: a few thousand rows, whatever the size of silver.
    try (StageSqlConf few = ctx.smallData()) {
      ctx.describe(NAME, "write growth_by_market");
      growthRows = ctx.tables().overwrite(FileLayout.small(
          SmallCellSuppression.apply(GrowthByMarket.withGrowth(ctx.tables().read(Tables.GROWTH_CELLS)),
              ctx.settings().minBuyersPerCell(), SmallCellSuppression.GROWTH_MEASURES)),
          Tables.GROWTH_BY_MARKET, "period_type");
      ctx.describe(NAME, "write youth_consumption_channel");
      youthRows = ctx.tables().overwrite(FileLayout.small(youth(ctx, ctx.tables().read(Tables.YOUTH_CELLS))),
          Tables.YOUTH_CHANNEL, "period_type");
    }
    if (!nothingNew) {
      progress.done(range);
    }

    long took = System.currentTimeMillis() - start;
    // Aggregation consumes every new silver event (a CANCEL by removing its order); the gold rows written
    // are recorded beside the ledger.
    Map<String, Long> growthCounts = new TreeMap<>(byType);
    growthCounts.put("gold_rows", growthRows);
    growthCounts.put("cells_recomputed", growthCells);
    Map<String, Long> youthCounts = new TreeMap<>(byType);
    youthCounts.put("gold_rows", youthRows);
    youthCounts.put("cells_recomputed", youthCells);
    return List.of(
        new StageMetrics(NAME, Tables.GROWTH_BY_MARKET, rowsIn, rowsIn, 0, 0, growthCounts, took),
        new StageMetrics(NAME, Tables.YOUTH_CHANNEL, rowsIn, rowsIn, 0, 0, youthCounts, took));
  }

  /** The stored growth cells of the change's years plus the change, written once per range. */
  private static long updateGrowthCells(JobContext ctx, FactsChange change, String yearPredicate,
      BatchProgress.Range range) {
    ctx.describe(NAME, "update growth cells of " + change.years());
    Dataset<Row> growth = FactsChange.updated(ctx.tables().read(Tables.GROWTH_CELLS).where(yearPredicate),
        GrowthByMarket.additiveMeasures(change.sided(), FactsChange.SIDE),
        GrowthByMarket.KEYS, GrowthByMarket.ADDITIVE);
    // Stored cells plus a change: applied once per range, even when a run interrupted after it retries.
    return ctx.tables().replaceWhereOnce(FileLayout.small(GrowthByMarket.cellsOf(growth)),
        Tables.GROWTH_CELLS, yearPredicate, "tradelake-aggregate-growth-cells", range.to(), "period_year");
  }

  /** The stored youth cells of the change's years plus the change, written once per range. */
  private static long updateYouthCells(JobContext ctx, FactsChange change, String yearPredicate,
      BatchProgress.Range range) {
    ctx.describe(NAME, "update youth cells of " + change.years());
    Dataset<Row> young = FactsChange.updated(ctx.tables().read(Tables.YOUTH_CELLS).where(yearPredicate),
        YouthConsumptionChannel.cells(change.sided(), ctx.settings().youth(), FactsChange.SIDE),
        YouthConsumptionChannel.KEYS, YouthConsumptionChannel.ADDITIVE);
    return ctx.tables().replaceWhereOnce(FileLayout.small(young), Tables.YOUTH_CELLS, yearPredicate,
        "tradelake-aggregate-youth-cells", range.to(), "period_year");
  }

  private static Dataset<Row> youth(JobContext ctx, Dataset<Row> cells) {
    return SmallCellSuppression.apply(YouthConsumptionChannel.fromCells(cells),
        ctx.settings().minBuyersPerCell(), SmallCellSuppression.YOUTH_MEASURES);
  }

  private static String inYears(List<Integer> years) {
    return "period_year IN (" + years.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
  }
}
