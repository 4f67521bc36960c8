package io.tradelake.model;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.dayofmonth;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.ln;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.mode;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.next_day;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.tradelake.aggregate.SalesFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * silver_events → one row per pseudonymised buyer: recency, frequency, monetary value, price level against
 * each category's median ({@code relative_price}: 2.0 = pays twice the typical price), basket shape
 * ({@code multi_unit_line_pct}: share of order lines with more than one unit; both shrunk, see
 * {@link #PRIOR_LINES}),
 * refund and cancel rates, festival habit, channel mix (percent of orders per channel), share of spend by
 * category, home country, cohort and age band. Recency is measured to the last event date in silver, not to
 * the wall clock, so the same silver gives the same features. Events without a buyer id are left out.
 */
public final class BuyerFeatures {

  /** Channel-share columns are named {@code pct_<channel>}. */
  public static final String CHANNEL_PREFIX = "pct_";
  /**
   * Per-line measures of a buyer (price level, share of multi-unit lines) are shrunk toward everyone's by this
   * many pseudo-lines: a buyer seen on one line is not made extreme by it, one seen on many keeps its own.
   */
  static final int PRIOR_LINES = 2;
  /**
   * Up to this many cancel and refund events, their orders are broadcast to the order lines rather than joined
   * by a shuffle of every line on its order id: the budget the gold tables' cancels have.
   */
  static final long MAX_BROADCAST_FLAGGED_ORDERS = SalesFacts.MAX_BROADCAST_CANCELS;
  /**
   * Spark SQL settings for computing the features. A buyer's orders come out of their own aggregation sorted
   * by buyer; with these, the buyer's aggregation (and the spend by category's, after its window) is taken as
   * they stream, instead of by a hash map that spills into a sort of every order again (its collect_set and
   * mode keep an object per buyer). Spark makes this swap only where the rows are already in order.
   */
  public static final Map<String, String> SPARK_SETTINGS =
      Map.of("spark.sql.execution.replaceHashWithSortAgg", "true");
  /** The spend-by-category key of order lines without a category: a map key cannot be null. */
  public static final String NO_CATEGORY = "unknown";
  private static final String ORDER = "ORDER";
  private static final String REFUND = "REFUND";
  private static final String CANCEL = "CANCEL";

  private static final List<String> BASE_COLUMNS = List.of("recency_days", "orders", "orders_cancelled",
      "monetary_value", "avg_order_value", "avg_unit_price", "relative_price", "log_relative_price",
      "lines_per_order", "units_per_line", "multi_unit_line_pct", "refund_rate_pct", "cancel_rate_pct",
      "festival_order_pct", "active_days");

  private BuyerFeatures() {}

  /** Every numeric column a buyer model may use, for the configured channels. */
  public static List<String> numericColumns(List<String> channels) {
    List<String> all = new ArrayList<>(BASE_COLUMNS);
    channels.forEach(c -> all.add(CHANNEL_PREFIX + c));
    return all;
  }

  /** Features with the cancelled and refunded orders joined by a shuffle on the order id: any number of them. */
  public static Dataset<Row> from(Dataset<Row> silver, List<String> channels) {
    return from(silver, channels, false);
  }

  /**
   * Whether silver's cancelled and refunded orders are few enough to broadcast ({@link #from(Dataset, List,
   * boolean)}): counted by their events, which are at least as many as the orders.
   */
  public static boolean fewFlaggedOrders(Dataset<Row> silver) {
    return silver.where(col("buyer_id").isNotNull().and(col("event_type").isin(CANCEL, REFUND))).count()
        <= MAX_BROADCAST_FLAGGED_ORDERS;
  }

  /**
   * As {@link #from(Dataset, List)}; with {@code broadcastFlags}, the ids of cancelled and refunded orders are
   * broadcast to the order lines, for when they are known to be few. Either way every line carries its order's
   * flags before the one shuffle that brings a buyer's lines together, and the orders and the buyer are then taken
   * where those lines are: no shuffle of orders by order id, none of them by buyer. (The spend by category gets a
   * narrow copy of the kept lines shuffled on the buyer too: Spark pushes its filter below the repartition.)
   */
  public static Dataset<Row> from(Dataset<Row> silver, List<String> channels, boolean broadcastFlags) {
    Dataset<Row> events = silver.where(col("buyer_id").isNotNull());
    Dataset<Row> cancelled = ordersWith(events, CANCEL, "cancelled", broadcastFlags);
    Dataset<Row> refunded = ordersWith(events, REFUND, "refunded", broadcastFlags);
    // A line's unit price against the median of its category (and direction: the same category name is
    // priced differently abroad): how premium a buyer shops, whatever the categories bought.
    Dataset<Row> lines = events.where(col("event_type").equalTo(ORDER))
        .withColumn("log_unit_value", ln(col("reporting_value").divide(col("quantity")).cast("double")));
    Dataset<Row> categoryMedians = lines.groupBy("direction", "category")
        .agg(percentile_approx(col("log_unit_value"), lit(0.5), lit(1000)).as("median_log_unit_value"));
    Dataset<Row> buyerLines = lines
        .join(broadcast(categoryMedians), new String[] {"direction", "category"}, "left")
        .join(cancelled, new String[] {"order_id"}, "left")
        .join(refunded, new String[] {"order_id"}, "left")
        .withColumn("cancelled", coalesce(col("cancelled"), lit(false)))
        .withColumn("refunded", coalesce(col("refunded"), lit(false)))
        .repartition(col("buyer_id"));
    Dataset<Row> orders = buyerLines
        .groupBy("buyer_id", "order_id")
        .agg(min("event_date").as("order_date"), sum("reporting_value").as("value"), count(lit(1)).as("lines"),
            sum("quantity").as("units"), sum(when(col("quantity").gt(1), 1).otherwise(0)).as("multi_unit_lines"),
            sum(col("log_unit_value").minus(col("median_log_unit_value"))).as("log_price_ratio_sum"),
            first("channel").as("channel"), first("direction").as("direction"),
            first("buyer_country").as("buyer_country"), first("buyer_birth_year", true).as("birth_year"),
            first("buyer_age", true).as("age"), first("cohort", true).as("cohort"),
            first("age_band", true).as("age_band"), max("cancelled").as("cancelled"), max("refunded").as("refunded"))
        .withColumn("festival", festival(col("order_date")));
    Dataset<Row> lastDay = silver.agg(max("event_date").as("reference_date"));
    Dataset<Row> overallMultiUnit = lines.agg(avg(when(col("quantity").gt(1), 1.0).otherwise(0.0))
        .as("overall_multi_unit_share"));

    Column kept = col("cancelled").unary_$bang();
    Column keptValue = when(kept, col("value"));
    Column keptUnits = when(kept, col("units"));
    List<Column> aggs = new ArrayList<>(List.of(
        max("order_date").as("last_order_date"),
        min("order_date").as("first_order_date"),
        count(lit(1)).as("orders"),
        sum(when(col("cancelled"), 1).otherwise(0)).as("orders_cancelled"),
        coalesce(sum(keptValue), lit(0)).cast("decimal(20,2)").as("monetary_value"),
        sum(keptValue).divide(sum(when(kept, 1))).cast("decimal(20,2)").as("avg_order_value"),
        sum(keptValue).divide(sum(keptUnits)).cast("decimal(20,2)").as("avg_unit_price"),
        sum("lines").cast("double").divide(count(lit(1))).as("lines_per_order"),
        sum("units").cast("double").divide(sum("lines")).as("units_per_line"),
        sum("lines").as("order_lines"),
        sum("multi_unit_lines").as("multi_unit_lines"),
        sum("log_price_ratio_sum").divide(sum("lines").plus(PRIOR_LINES)).as("log_relative_price"),
        pct(col("refunded")).as("refund_rate_pct"),
        pct(col("cancelled")).as("cancel_rate_pct"),
        pct(col("festival")).as("festival_order_pct"),
        // Not count_distinct: beside other aggregates Spark would copy every row once more for it.
        size(collect_set(col("order_date"))).as("active_days"),
        mode(col("channel"), true).as("main_channel"),
        mode(col("direction"), true).as("direction"),
        mode(col("buyer_country"), true).as("home_country"),
        max("birth_year").as("birth_year"),
        max_by(col("age"), col("order_date")).as("age"),
        max("cohort").as("cohort"),
        max_by(col("age_band"), col("order_date")).as("age_band")));
    for (String c : channels) {
      aggs.add(pct(col("channel").equalTo(c)).as(CHANNEL_PREFIX + c));
    }
    Dataset<Row> buyers = orders.groupBy("buyer_id")
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new))
        .crossJoin(lastDay)
        .crossJoin(overallMultiUnit)
        .withColumn("multi_unit_line_pct", round(col("multi_unit_lines").plus(
            col("overall_multi_unit_share").multiply(PRIOR_LINES)).multiply(100).divide(col("order_lines").plus(PRIOR_LINES)), 2))
        .withColumn("recency_days", datediff(col("reference_date"), col("last_order_date")))
        .withColumn("relative_price", round(exp(col("log_relative_price")), 3));

    // Share of the buyer's kept spend by category, percent, as a map (categories are open-ended). Not collected
    // per order in the orders' aggregation instead: Spark runs a list-building aggregate there without generated
    // code, which at 10M events was several times slower than this second, narrow shuffle.
    Dataset<Row> byCategory = buyerLines.where(col("cancelled").unary_$bang())
        .groupBy(col("buyer_id"), coalesce(col("category"), lit(NO_CATEGORY)).as("category"))
        .agg(sum("reporting_value").as("v"))
        .withColumn("total", sum("v").over(org.apache.spark.sql.expressions.Window.partitionBy("buyer_id")))
        .groupBy("buyer_id")
        .agg(map_from_entries(array_sort(collect_list(struct(col("category"),
            when(col("total").gt(0), round(col("v").multiply(100).divide(col("total")), 2).cast("decimal(5,2)"))))))
            .as("category_spend_pct"));

    List<Column> out = new ArrayList<>(List.of(col("buyer_id"), col("home_country"), col("direction"),
        col("birth_year"), col("age"), col("cohort"), col("age_band"), col("first_order_date"),
        col("last_order_date"), col("reference_date")));
    BASE_COLUMNS.forEach(c -> out.add(col(c)));
    channels.forEach(c -> out.add(col(CHANNEL_PREFIX + c)));
    out.add(col("main_channel"));
    out.add(col("category_spend_pct"));
    return buyers.join(byCategory, new String[] {"buyer_id"}, "left").select(out.toArray(Column[]::new));
  }

  /**
   * Shopping festivals in the reporting calendar: 6.18, 11.11, 12.12 and the Black Friday weekend through
   * Cyber Monday (the Friday after the fourth Thursday of November, and the three days after it).
   */
  static Column festival(Column date) {
    Column md = month(date).multiply(100).plus(dayofmonth(date));
    Column blackFriday = date_add(next_day(make_date(year(date), lit(11), lit(21)), "THU"), 1);
    Column fromBlackFriday = datediff(date, blackFriday);
    return md.isin(618, 1111, 1212).or(fromBlackFriday.between(0, 3));
  }

  /** The distinct ids of orders with an event of {@code type}, flagged {@code flag} = true. */
  private static Dataset<Row> ordersWith(Dataset<Row> events, String type, String flag, boolean broadcast) {
    Dataset<Row> ids = events.where(col("event_type").equalTo(type)).select(col("order_id")).distinct()
        .withColumn(flag, lit(true));
    return broadcast ? broadcast(ids) : ids;
  }

  private static Column pct(Column condition) {
    return round(sum(when(condition, 1.0).otherwise(0.0)).multiply(100).divide(count(lit(1))), 2);
  }
}
