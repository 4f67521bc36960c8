package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.year;

import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.BatchProgress;
import io.tradelake.table.FileLayout;
import io.tradelake.table.Tables;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
  /**
   * Up to this many cancels (≈ 50 MB of order ids), they are broadcast to remove their orders; the planner
   * cannot know they are few, and would shuffle every order twice (growth cells, youth table) to join them.
   */
  static final long MAX_BROADCAST_CANCELS = 1_000_000;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<StageMetrics> run(JobContext ctx) {
    long start = System.currentTimeMillis();
    if (!ctx.tables().exists(Tables.SILVER)) {
      throw new IllegalStateException("no silver table at " + ctx.tables().path(Tables.SILVER) + ": run clean first");
    }
    Dataset<Row> silver = ctx.tables().read(Tables.SILVER);
    Row maxBatch = silver.agg(max("ingest_batch")).first();
    BatchProgress progress = new BatchProgress(ctx, Tables.AGGREGATE_LOG);
    // Cells stored without their additive measures (an earlier version's) cannot be updated: rebuilt once.
    boolean full = !ctx.tables().exists(Tables.GROWTH_CELLS) || !ctx.tables().exists(Tables.YOUTH_CELLS)
        || !List.of(ctx.tables().read(Tables.GROWTH_CELLS).columns()).contains("fact_rows")
        || progress.last().isEmpty();
    BatchProgress.Range range = full
        ? new BatchProgress.Range(0, maxBatch.isNullAt(0) ? 0 : maxBatch.getLong(0), false)
        : progress.next(maxBatch.isNullAt(0) ? 0 : maxBatch.getLong(0));
    if (!full && range.isEmpty()) {
      LOG.info("aggregate: no new silver batches since batch {}", range.from());
      return List.of(StageMetrics.passThrough(NAME, Tables.GROWTH_BY_MARKET, 0, 0, System.currentTimeMillis() - start));
    }
    progress.started(range);
    Dataset<Row> fresh = silver.where(col("ingest_batch").gt(range.from()).and(col("ingest_batch").leq(range.to())));

    ctx.describe(NAME, "count new silver events by type");
    Map<String, Long> byType = new TreeMap<>();
    for (Row r : fresh.groupBy(col("event_type")).count().collectAsList()) {
      byType.put("events_" + r.getString(0).toLowerCase(Locale.ROOT), r.getLong(1));
    }
    long rowsIn = byType.values().stream().mapToLong(Long::longValue).sum();

    long growthCells;
    long youthCells;
    if (full) {
      LOG.info("aggregate: full build from all silver events");
      Dataset<Row> facts = SalesFacts.from(silver, silver,
          byType.getOrDefault("events_cancel", 0L) <= MAX_BROADCAST_CANCELS);
      ctx.describe(NAME, "write growth cells (all years)");
      growthCells = ctx.tables().overwrite(FileLayout.small(GrowthByMarket.cells(facts)), Tables.GROWTH_CELLS,
          "period_year");
      ctx.describe(NAME, "write youth cells (all years)");
      youthCells = ctx.tables().overwrite(
          FileLayout.small(YouthConsumptionChannel.cells(facts, ctx.settings().youth())), Tables.YOUTH_CELLS,
          "period_year");
    } else {
      ctx.describe(NAME, "find years touched by new events");
      boolean small = rowsIn <= JobContext.SMALL_BATCH_ROWS;
      List<Integer> years = touchedYears(fresh, silver, small);
      String inYears = years.stream().map(String::valueOf).collect(Collectors.joining(", "));
      String yearPredicate = "period_year IN (" + inYears + ")";
      if (small) {
        // A day changes a few thousand orders and buyers: only their facts are measured, before and after it.
        LOG.info("aggregate: updating the cells of years {} with the orders and buyers new events touch", years);
        ctx.describe(NAME, "read the events of touched orders and buyers in " + inYears);
        FactsChange change = FactsChange.of(silver, range.from(), range.to(), years).persisted();
        try {
          ctx.describe(NAME, "update growth cells of " + inYears);
          Dataset<Row> growth = FactsChange.updated(ctx.tables().read(Tables.GROWTH_CELLS).where(yearPredicate),
              GrowthByMarket.additiveMeasures(change.sided(), FactsChange.SIDE),
              GrowthByMarket.KEYS, GrowthByMarket.ADDITIVE);
          growthCells = ctx.tables().replaceWhere(FileLayout.small(GrowthByMarket.cellsOf(growth)),
              Tables.GROWTH_CELLS, yearPredicate, "period_year");
          ctx.describe(NAME, "update youth cells of " + inYears);
          Dataset<Row> young = FactsChange.updated(ctx.tables().read(Tables.YOUTH_CELLS).where(yearPredicate),
              YouthConsumptionChannel.cells(change.sided(), ctx.settings().youth(), FactsChange.SIDE),
              YouthConsumptionChannel.KEYS, YouthConsumptionChannel.ADDITIVE);
          youthCells = ctx.tables().replaceWhere(FileLayout.small(young), Tables.YOUTH_CELLS, yearPredicate,
              "period_year");
        } finally {
          change.unpersist();
        }
      } else {
        LOG.info("aggregate: recomputing years {}", years);
        long cancels = silver.where(col("event_type").equalTo("CANCEL")).count();
        Dataset<Row> facts = SalesFacts.from(silver.where(col("event_year").isin(years.toArray())), silver,
            cancels <= MAX_BROADCAST_CANCELS);
        ctx.describe(NAME, "replace growth cells of " + inYears);
        growthCells = ctx.tables().replaceWhere(FileLayout.small(GrowthByMarket.cells(facts)), Tables.GROWTH_CELLS,
            yearPredicate, "period_year");
        ctx.describe(NAME, "replace youth cells of " + inYears);
        youthCells = ctx.tables().replaceWhere(
            FileLayout.small(YouthConsumptionChannel.cells(facts, ctx.settings().youth())), Tables.YOUTH_CELLS,
            yearPredicate, "period_year");
      }
    }
    ctx.describe(NAME, "write growth_by_market");
    long growthRows = ctx.tables().overwrite(FileLayout.small(
        SmallCellSuppression.apply(GrowthByMarket.withGrowth(ctx.tables().read(Tables.GROWTH_CELLS)),
            ctx.settings().minBuyersPerCell(), SmallCellSuppression.GROWTH_MEASURES)),
        Tables.GROWTH_BY_MARKET, "period_type");
    ctx.describe(NAME, "write youth_consumption_channel");
    long youthRows = ctx.tables().overwrite(FileLayout.small(youth(ctx, ctx.tables().read(Tables.YOUTH_CELLS))),
        Tables.YOUTH_CHANNEL, "period_type");
    progress.done(range);

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

  private static Dataset<Row> youth(JobContext ctx, Dataset<Row> cells) {
    return SmallCellSuppression.apply(YouthConsumptionChannel.fromCells(cells),
        ctx.settings().minBuyersPerCell(), SmallCellSuppression.YOUTH_MEASURES);
  }

  /**
   * Years whose cells new events change: their own event years, and the years of orders a new CANCEL removes.
   * A handful of values, whatever the data size.
   */
  static List<Integer> touchedYears(Dataset<Row> fresh, Dataset<Row> silver, boolean smallBatch) {
    Dataset<Row> cancelled = fresh.where(col("event_type").equalTo("CANCEL"))
        .select(col("order_id").as("cancelled_order_id")).distinct();
    // A small batch's cancels are broadcast, so silver's orders are scanned, not shuffled, to find their years.
    cancelled = smallBatch ? broadcast(cancelled) : cancelled;
    Dataset<Row> cancelledOrderYears = silver.where(col("event_type").equalTo("ORDER"))
        .join(cancelled, col("order_id").equalTo(col("cancelled_order_id")), "left_semi")
        .select(year(col("event_date")).as("y"));
    return fresh.select(year(col("event_date")).as("y")).union(cancelledOrderYears).distinct()
        .as(Encoders.INT()).collectAsList().stream().sorted().toList();
  }
}
