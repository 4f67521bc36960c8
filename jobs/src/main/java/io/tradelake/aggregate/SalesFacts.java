package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Silver events → the facts the gold tables sum: one row per order line of an order that was not
 * cancelled (gross value) and one per refund (refund value). A CANCEL removes its whole order.
 */
public final class SalesFacts {

  public static final String MONEY = "decimal(38,4)";
  /**
   * Up to this many cancel events (≈ 50 MB of order ids), the cancelled orders are broadcast to the orders:
   * the planner cannot know they are few, and would shuffle every order line on its order id to join them.
   */
  public static final long MAX_BROADCAST_CANCELS = 1_000_000;

  private SalesFacts() {}

  public static Dataset<Row> from(Dataset<Row> silver) {
    return from(silver, silver);
  }

  /**
   * Facts of {@code events}, with cancellations looked up in {@code allEvents}: a cancel may come in a later
   * year than its order.
   */
  public static Dataset<Row> from(Dataset<Row> events, Dataset<Row> allEvents) {
    return from(events, allEvents, false);
  }

  /**
   * As {@link #from(Dataset, Dataset)}; with {@code broadcastCancels}, the cancelled order ids are broadcast
   * to the orders (no shuffle of the orders), for when they are known to be few.
   */
  public static Dataset<Row> from(Dataset<Row> events, Dataset<Row> allEvents, boolean broadcastCancels) {
    Dataset<Row> silver = events;
    Dataset<Row> cancelled = allEvents.where(col("event_type").equalTo("CANCEL"))
        .select(col("order_id").as("cancelled_order_id")).distinct();
    cancelled = broadcastCancels ? broadcast(cancelled) : cancelled;
    Dataset<Row> sales = silver.where(col("event_type").equalTo("ORDER"))
        .join(cancelled, col("order_id").equalTo(col("cancelled_order_id")), "left_anti")
        .select(common(col("order_id"), col("buyer_id"), col("reporting_value"), lit(0)));
    Dataset<Row> refunds = silver.where(col("event_type").equalTo("REFUND"))
        .select(common(lit(null), lit(null), lit(0), col("reporting_value")));
    return sales.unionByName(refunds);
  }

  /** Whether {@code events} hold few enough cancels to broadcast them ({@link #MAX_BROADCAST_CANCELS}). */
  public static boolean fewCancels(Dataset<Row> events) {
    return events.where(col("event_type").equalTo("CANCEL")).count() <= MAX_BROADCAST_CANCELS;
  }

  private static Column[] common(Column orderId, Column buyerId, Column gross, Column refund) {
    return new Column[] {
        col("event_date"), col("direction"), col("market"), col("channel"), col("cohort"), col("age_band"),
        col("buyer_age"),
        orderId.cast("string").as("order_id"),
        buyerId.cast("string").as("buyer_id"),
        gross.cast(MONEY).as("gross"),
        refund.cast(MONEY).as("refund")};
  }
}
