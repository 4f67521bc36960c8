package io.tradelake.aggregate;

import static io.tradelake.aggregate.Percentages.money;
import static io.tradelake.aggregate.Percentages.share;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.tradelake.clean.EventClassifier;
import io.tradelake.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * youth_consumption_channel: how young buyers (by default aged 18-35 at purchase, IMPORT) split their spend
 * and their use across channels, per period, cohort and age band. Cohort, age band and channel each have an
 * ALL roll-up; channel ALL is the group's total, against which the shares are taken.
 */
public final class YouthConsumptionChannel {

  public static final String ALL = "ALL";

  private YouthConsumptionChannel() {}

  public static Dataset<Row> compute(Dataset<Row> facts, Settings.Youth youth) {
    return fromCells(cells(facts, youth));
  }

  /** The cells' own columns, apart from the measures: period and cell keys. */
  static final List<String> KEYS = List.of("period_type", "period", "period_start", "period_months", "cohort",
      "age_band", "channel", "period_year");
  /** Sums and counts that add up over disjoint sets of events (orders and buyers): what an increment updates. */
  static final List<String> ADDITIVE = List.of("gross", "buyers", "orders", "fact_rows");

  /**
   * {@link #KEYS} and {@link #ADDITIVE} per period, cohort, age band and channel (rolled up): the table's
   * cells before shares, which only need the cells of their own period.
   */
  static Dataset<Row> cells(Dataset<Row> facts, Settings.Youth youth, String... extraKeys) {
    return measures(youngBuyersOrders(facts, youth, extraKeys), extraKeys);
  }

  /** The order lines of buyers in the youth scope (their roll-up comes after each entity's months are known). */
  static Dataset<Row> youngBuyersOrders(Dataset<Row> facts, Settings.Youth youth, String... extraKeys) {
    Column inScope = youth.direction().equals(GrowthByMarket.TOTAL)
        ? col("direction").isin(EventClassifier.EXPORT, EventClassifier.IMPORT)
        : col("direction").equalTo(youth.direction());
    return facts
        .where(col("order_id").isNotNull().and(inScope)
            .and(col("buyer_age").between(youth.minAge(), youth.maxAge())))
        .select(Stream.concat(Stream.of(col("event_date").as("month"), col("cohort"), col("age_band"),
            col("channel"), col("order_id"), col("buyer_id"), col("gross")), Stream.of(extraKeys).map(k -> col(k)))
            .toArray(Column[]::new));
  }

  static Dataset<Row> rollUp(Dataset<Row> rows) {
    return rows
        .withColumn("cohort", explode(array(col("cohort"), lit(ALL))))
        .withColumn("age_band", explode(array(col("age_band"), lit(ALL))))
        .withColumn("channel", explode(array(col("channel"), lit(ALL))));
  }

  static Dataset<Row> measures(Dataset<Row> rows, String... extraKeys) {
    List<String> cellKeys = new ArrayList<>(List.of("cohort", "age_band", "channel"));
    cellKeys.addAll(List.of(extraKeys));
    List<String> additive = new ArrayList<>(ADDITIVE);
    additive.addAll(List.of(extraKeys));
    return PeriodMeasures.byCell(YouthConsumptionChannel::rollUp, cellKeys.toArray(String[]::new))
        .sumOf("gross").countDistinct("buyers", "buyer_id").countDistinct("orders", "order_id")
        .countRows("fact_rows").of(rows)
        .withColumn("period_year", year(col("period_start")))
        .select(PeriodMeasures.columns(KEYS, additive));
  }

  /** The table's rows from its cells: value rounded to cents, shares of the group, average order value. */
  static Dataset<Row> fromCells(Dataset<Row> additive) {
    Dataset<Row> cells = additive.withColumn("gross_value", money(col("gross")));
    var byGroup = Window.partitionBy("period_type", "period", "cohort", "age_band");
    Column groupValue = sum(when(col("channel").equalTo(ALL), col("gross_value"))).over(byGroup);
    Column groupBuyers = sum(when(col("channel").equalTo(ALL), col("buyers"))).over(byGroup);
    return cells
        .withColumn("value_share_pct", share(col("gross_value"), groupValue))
        .withColumn("buyer_share_pct", share(col("buyers"), groupBuyers))
        .withColumn("avg_order_value", when(col("orders").gt(0),
            round(col("gross_value").divide(col("orders")), 2).cast("decimal(38,2)")))
        .select("period_type", "period", "period_start", "cohort", "age_band", "channel", "buyers", "orders",
            "gross_value", "value_share_pct", "buyer_share_pct", "avg_order_value");
  }
}
