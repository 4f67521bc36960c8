package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.col;

import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.Tables;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Silver → the gold tables growth_by_market and youth_consumption_channel. */
public final class AggregateJob implements Job {

  public static final String NAME = "aggregate";

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
    ctx.describe(NAME, "count silver events by type");
    Map<String, Long> byType = new TreeMap<>();
    for (Row r : silver.groupBy(col("event_type")).count().collectAsList()) {
      byType.put("events_" + r.getString(0).toLowerCase(java.util.Locale.ROOT), r.getLong(1));
    }
    long rowsIn = byType.values().stream().mapToLong(Long::longValue).sum();
    Dataset<Row> facts = SalesFacts.from(silver);

    ctx.describe(NAME, "write growth_by_market");
    long growthRows = ctx.tables().overwrite(GrowthByMarket.compute(facts), Tables.GROWTH_BY_MARKET, "period_type");
    ctx.describe(NAME, "write youth_consumption_channel");
    long youthRows = ctx.tables().overwrite(YouthConsumptionChannel.compute(facts, ctx.settings().youth()),
        Tables.YOUTH_CHANNEL, "period_type");
    long took = System.currentTimeMillis() - start;
    // Aggregation consumes every silver event (a CANCEL by removing its order); the gold row counts are
    // recorded beside the ledger.
    Map<String, Long> growthCounts = new TreeMap<>(byType);
    growthCounts.put("gold_rows", growthRows);
    Map<String, Long> youthCounts = new TreeMap<>(byType);
    youthCounts.put("gold_rows", youthRows);
    return List.of(
        new StageMetrics(NAME, Tables.GROWTH_BY_MARKET, rowsIn, rowsIn, 0, 0, growthCounts, took),
        new StageMetrics(NAME, Tables.YOUTH_CHANNEL, rowsIn, rowsIn, 0, 0, youthCounts, took));
  }
}
