package io.tradelake.model;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tradelake.aggregate.SalesFacts;
import io.tradelake.clean.EventClassifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * growth_by_market and silver_events → one row per market and direction with its growth profile: size, typical
 * half-year growth, latest half-year growth (H1 2020 on H1 2019 when the data ends there), latest share of its
 * direction, refund rate, orders, average order value and the latest half's buyers; and its channel mix
 * ({@code pct_<channel>}: percent of its gross value per channel over all data), from silver, which is the only
 * table with both market and channel.
 */
public final class MarketFeatures {

  /** The default model features, in the order the model sees them. */
  public static final List<String> COLUMNS =
      List.of("log_gross_value", "avg_half_yoy_pct", "latest_half_yoy_pct", "latest_share_pct", "refund_rate_pct");

  /** Every numeric column a market model may use. */
  public static final List<String> ALL_COLUMNS = List.of("log_gross_value", "avg_half_yoy_pct",
      "latest_half_yoy_pct", "latest_share_pct", "refund_rate_pct", "gross_value", "orders", "avg_order_value",
      "latest_half_buyers");

  /** Channel-mix columns are named {@code pct_<channel>}, as in buyer_features. */
  public static final String CHANNEL_PREFIX = BuyerFeatures.CHANNEL_PREFIX;

  private MarketFeatures() {}

  /** Every numeric column a market model may use, for the configured channels. */
  public static List<String> numericColumns(List<String> channels) {
    List<String> all = new ArrayList<>(ALL_COLUMNS);
    channels.forEach(c -> all.add(CHANNEL_PREFIX + c));
    return all;
  }

  /**
   * The growth profile of every market and direction in growth_by_market, with its channel mix from silver.
   *
   * @param minBuyers a channel's share is null when fewer buyers than this (but some) bought through it in the
   *     market: as in the gold tables (privacy.min-buyers), no small group of buyers can be singled out
   */
  public static Dataset<Row> from(Dataset<Row> growth, Dataset<Row> silver, List<String> channels, int minBuyers) {
    return from(growth, silver, channels, minBuyers, false);
  }

  /**
   * As {@link #from(Dataset, Dataset, List, int)}; with {@code broadcastCancels}, silver's cancelled orders are
   * broadcast to its order lines ({@link SalesFacts#fewCancels}) instead of joined by a shuffle of every line.
   */
  public static Dataset<Row> from(Dataset<Row> growth, Dataset<Row> silver, List<String> channels, int minBuyers,
      boolean broadcastCancels) {
    return growthProfile(growth).join(channelMix(SalesFacts.from(silver, silver, broadcastCancels), channels,
        minBuyers), new String[] {"market", "direction"}, "left");
  }

  /** growth_by_market halves → the growth profile per market and direction. */
  static Dataset<Row> growthProfile(Dataset<Row> growth) {
    Dataset<Row> halves = growth
        .where(col("period_type").equalTo("half")
            .and(col("direction").isin(EventClassifier.EXPORT, EventClassifier.IMPORT))
            .and(col("market").notEqual("ALL")))
        .transform(h -> h.crossJoin(h.agg(max("period_start").as("latest_half"))));
    Column latest = col("period_start").equalTo(col("latest_half"));
    return halves.groupBy("market", "direction")
        .agg(
            log1p(sum("gross_value").cast("double")).as("log_gross_value"),
            avg(col("yoy_pct").cast("double")).as("avg_half_yoy_pct"),
            first(when(latest, col("yoy_pct").cast("double")), true).as("latest_half_yoy_pct"),
            first(when(latest, col("share_pct").cast("double")), true).as("latest_share_pct"),
            when(sum("gross_value").gt(0),
                sum("refund_value").cast("double").multiply(100).divide(sum("gross_value").cast("double")))
                .as("refund_rate_pct"),
            sum("gross_value").as("gross_value"),
            sum("orders").as("orders"),
            when(sum("orders").gt(0), sum("gross_value").divide(sum("orders")).cast("decimal(20,2)"))
                .as("avg_order_value"),
            first(when(latest, col("buyers")), true).as("latest_half_buyers"));
  }

  /**
   * Sales facts → per market and direction, each configured channel's share of the gross value (the same gross
   * as growth_by_market: cancelled orders left out, refunds not subtracted) over all data, percent with 2
   * decimals. A channel nobody bought through there has 0; one with fewer than {@code minBuyers} buyers, null.
   */
  static Dataset<Row> channelMix(Dataset<Row> facts, List<String> channels, int minBuyers) {
    // One row per market, direction and channel first: the pivot below then runs over a small table, with one
    // distinct count per cell rather than one per channel.
    Dataset<Row> cells = facts
        .where(col("order_id").isNotNull()
            .and(col("direction").isin(EventClassifier.EXPORT, EventClassifier.IMPORT))
            .and(col("market").isNotNull()))
        .groupBy("market", "direction", "channel")
        .agg(sum("gross").as("value"), count_distinct(col("buyer_id")).as("buyers"))
        .withColumn("total", sum("value").over(Window.partitionBy("market", "direction")))
        .withColumn("share_pct", when(col("buyers").geq(minBuyers).and(col("total").gt(0)),
            round(col("value").multiply(100).divide(col("total")), 2).cast("double")));
    List<Column> shares = new ArrayList<>();
    for (String c : channels) {
      Column in = col("channel").equalTo(c);
      shares.add(when(count(when(in, lit(1))).equalTo(0), lit(0.0)).otherwise(max(when(in, col("share_pct"))))
          .as(CHANNEL_PREFIX + c));
    }
    if (shares.isEmpty()) {
      return cells.select("market", "direction").distinct();
    }
    return cells.groupBy("market", "direction")
        .agg(shares.get(0), shares.subList(1, shares.size()).toArray(Column[]::new));
  }
}
