package io.tradelake.model;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tradelake.clean.EventClassifier;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * growth_by_market → one row per market and direction with its growth profile: size, typical half-year
 * growth, latest half-year growth (H1 2020 on H1 2019 when the data ends there), latest share of its
 * direction, refund rate, orders, average order value and the latest half's buyers.
 */
public final class MarketFeatures {

  /** The default model features, in the order the model sees them. */
  public static final List<String> COLUMNS =
      List.of("log_gross_value", "avg_half_yoy_pct", "latest_half_yoy_pct", "latest_share_pct", "refund_rate_pct");

  /** Every numeric column a market model may use. */
  public static final List<String> ALL_COLUMNS = List.of("log_gross_value", "avg_half_yoy_pct",
      "latest_half_yoy_pct", "latest_share_pct", "refund_rate_pct", "gross_value", "orders", "avg_order_value",
      "latest_half_buyers");

  private MarketFeatures() {}

  public static Dataset<Row> from(Dataset<Row> growth) {
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
}
