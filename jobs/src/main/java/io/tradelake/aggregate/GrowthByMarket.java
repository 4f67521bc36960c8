package io.tradelake.aggregate;

import static io.tradelake.aggregate.Percentages.growth;
import static io.tradelake.aggregate.Percentages.money;
import static io.tradelake.aggregate.Percentages.share;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.tradelake.clean.EventClassifier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.expressions.Window;

/**
 * growth_by_market: value, orders and buyers per period, direction and market, with each market's share
 * of its direction, year-on-year growth ({@code yoy_pct}) and growth on the previous period ({@code pop_pct}).
 * TOTAL is EXPORT and IMPORT together; market ALL is every market of the direction.
 */
public final class GrowthByMarket {

  public static final String TOTAL = "TOTAL";
  public static final String ALL = "ALL";

  private GrowthByMarket() {}

  public static Dataset<Row> compute(Dataset<Row> facts) {
    return withGrowth(cells(facts));
  }

  /**
   * The cells before growth: measures and share per period, direction and market, with {@code period_year}
   * (the year a period lies in) and the additive measures they come from ({@link #ADDITIVE}). Cells of one
   * year depend only on that year's events.
   */
  public static Dataset<Row> cells(Dataset<Row> facts) {
    return cellsOf(additiveMeasures(facts));
  }

  /** The cells' own columns, apart from the measures: period and cell keys. */
  static final List<String> KEYS = List.of("period_type", "period", "period_start", "period_months", "direction",
      "market", "period_year");
  /**
   * Sums and counts that add up over disjoint sets of events (the distinct counts, over disjoint sets of
   * orders and buyers): what an increment updates.
   */
  static final List<String> ADDITIVE = List.of("gross", "refund", "orders", "buyers", "fact_rows");

  /**
   * {@link #KEYS} and {@link #ADDITIVE} per period, direction and market (rolled up), and per value of the
   * {@code extraKeys} columns of the facts, if any.
   */
  static Dataset<Row> additiveMeasures(Dataset<Row> facts, String... extraKeys) {
    List<Column> columns = new ArrayList<>(List.of(col("event_date").as("month"), col("direction"), col("market"),
        col("order_id"), col("buyer_id"), col("gross"), col("refund")));
    List<String> cellKeys = new ArrayList<>(List.of("direction", "market"));
    for (String k : extraKeys) {
      columns.add(col(k));
      cellKeys.add(k);
    }
    return PeriodMeasures.byCell(GrowthByMarket::rollUp, cellKeys.toArray(String[]::new)).sumOf("gross")
        .sumOf("refund").countDistinct("orders", "order_id").countDistinct("buyers", "buyer_id")
        .countRows("fact_rows").of(facts.select(columns.toArray(Column[]::new)))
        .withColumn("period_year", year(col("period_start")));
  }

  /** Cells from their additive measures: values rounded to cents, net value, share of the direction. */
  static Dataset<Row> cellsOf(Dataset<Row> additive) {
    return additive.select(PeriodMeasures.columns(KEYS, ADDITIVE))
        .withColumn("gross_value", money(col("gross")))
        .withColumn("refund_value", money(col("refund")))
        .withColumn("net_value", col("gross_value").minus(col("refund_value")))
        .transform(GrowthByMarket::withShare);
  }

  /** Each row also counts towards TOTAL (cross-border directions only) and towards market ALL. */
  static Dataset<Row> rollUp(Dataset<Row> rows) {
    Column crossBorder = col("direction").isin(EventClassifier.EXPORT, EventClassifier.IMPORT);
    return rows
        .withColumn("direction", explode(when(crossBorder, array(col("direction"), lit(TOTAL)))
            .otherwise(array(col("direction")))))
        .withColumn("market", explode(array(col("market"), lit(ALL))));
  }

  static Dataset<Row> withShare(Dataset<Row> cells) {
    Column directionTotal = sum(when(col("market").equalTo(ALL), col("gross_value")))
        .over(Window.partitionBy("period_type", "period", "direction"));
    return cells.withColumn("share_pct", share(col("gross_value"), directionTotal));
  }

  /** Growth against the same period a year earlier and against the previous period of the same type. */
  public static Dataset<Row> withGrowth(Dataset<Row> cells) {
    Dataset<Row> base = cells.select(col("period_type"), col("direction"), col("market"), col("period_start"),
        col("gross_value").as("base_value"));
    return cells.as("c")
        .join(base.as("yoy"), sameCell("yoy")
            .and(col("yoy.period_start").equalTo(add_months(col("c.period_start"), -12))), "left")
        .join(base.as("pop"), sameCell("pop")
            .and(col("pop.period_start").equalTo(add_months(col("c.period_start"), col("c.period_months").multiply(-1)))),
            "left")
        .select(
            col("c.period_type"), col("c.period"), col("c.period_start"), col("c.direction"), col("c.market"),
            col("c.gross_value"), col("c.refund_value"), col("c.net_value"), col("c.orders"), col("c.buyers"),
            col("c.share_pct"),
            growth(col("c.gross_value"), col("yoy.base_value")).as("yoy_pct"),
            growth(col("c.gross_value"), col("pop.base_value")).as("pop_pct"));
  }

  private static Column sameCell(String base) {
    return col("c.period_type").equalTo(col(base + ".period_type"))
        .and(col("c.direction").equalTo(col(base + ".direction")))
        .and(col("c.market").equalTo(col(base + ".market")));
  }
}
