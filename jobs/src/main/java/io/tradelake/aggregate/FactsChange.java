package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.negative;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * What a small batch of silver events changes in the facts of the years it touches, as the facts of the
 * orders and buyers it touches, before and after it. Cells are updated from that alone: stored measures, plus
 * the measures of {@link #after}, minus those of {@link #before}.
 *
 * <p>Why that is exact: a fact differs between before and after only if it is new in the batch or its order
 * is cancelled by the batch, and then both its order and its buyer are touched. Every fact of a touched order
 * or buyer (in the years recomputed) is in both sets, so each touched entity is counted afresh on each side;
 * an untouched entity whose facts come along (its buyer or order is touched) has the same facts on both sides,
 * and its contributions cancel, as do the sums of unchanged facts.
 */
record FactsChange(Dataset<Row> touched, Dataset<Row> cancels, long from) {

  /** The column of {@link #sided()}: 1 for a fact after the change, -1 for one before it. */
  static final String SIDE = "_side";

  /**
   * The change made by batches {@code (from, to]} of {@code silver} to the years {@code years} (those
   * {@link AggregateJob#touchedYears} finds): the silver events of the orders and buyers it touches, and the
   * cancels of their orders.
   */
  static FactsChange of(Dataset<Row> silver, long from, long to, List<Integer> years) {
    Column isNew = col("ingest_batch").gt(from).and(col("ingest_batch").leq(to));
    Dataset<Row> current = silver.where(col("ingest_batch").leq(to));
    Dataset<Row> fresh = silver.where(isNew);
    Dataset<Row> inYears = current.where(col("event_year").isin(years.toArray()));
    Dataset<Row> cancelledNow = fresh.where(col("event_type").equalTo("CANCEL")).select(col("order_id").as("_t_order"));
    Dataset<Row> touchedOrders = fresh.where(col("event_type").isin("ORDER", "CANCEL"))
        .select(col("order_id").as("_t_order")).distinct();
    Dataset<Row> touchedBuyers = fresh.where(col("event_type").equalTo("ORDER")).select(col("buyer_id").as("_t_buyer"))
        .union(inYears.where(col("event_type").equalTo("ORDER"))
            .join(broadcast(cancelledNow), col("order_id").equalTo(col("_t_order")), "left_semi")
            .select(col("buyer_id").as("_t_buyer")))
        .distinct();
    Dataset<Row> touched = inYears
        .select(col("event_type"), col("order_id"), col("buyer_id"), col("ingest_batch"), col("event_date"),
            col("direction"), col("market"), col("channel"), col("cohort"), col("age_band"), col("buyer_age"),
            col("reporting_value"))
        .join(broadcast(touchedOrders), col("order_id").equalTo(col("_t_order")), "left")
        .join(broadcast(touchedBuyers), col("buyer_id").equalTo(col("_t_buyer")), "left")
        .where(col("_t_order").isNotNull().or(col("_t_buyer").isNotNull())
            .or(col("event_type").equalTo("REFUND").and(isNew)))
        .drop("_t_order", "_t_buyer");
    // The cancels that can remove one of these orders: a few rows.
    Dataset<Row> cancels = current.where(col("event_type").equalTo("CANCEL"))
        .select(col("event_type"), col("order_id"), col("ingest_batch"))
        .join(broadcast(touched.select(col("order_id").as("_t_order")).distinct()),
            col("order_id").equalTo(col("_t_order")), "left_semi");
    return new FactsChange(touched, cancels, from);
  }

  /** The same change with its events and cancels persisted (they are read once per side and table); counted. */
  FactsChange persisted() {
    FactsChange p = new FactsChange(touched.persist(StorageLevel.MEMORY_AND_DISK()),
        cancels.persist(StorageLevel.MEMORY_AND_DISK()), from);
    p.touched().count();
    p.cancels().count();
    return p;
  }

  void unpersist() {
    touched.unpersist();
    cancels.unpersist();
  }

  /** The facts of the touched orders and buyers before the change. */
  Dataset<Row> before() {
    return SalesFacts.from(touched.where(col("ingest_batch").leq(from)), cancels.where(col("ingest_batch").leq(from)),
        true);
  }

  /** The facts of the touched orders and buyers after the change. */
  Dataset<Row> after() {
    return SalesFacts.from(touched, cancels, true);
  }

  /** {@link #after()} and {@link #before()} together, told apart by {@link #SIDE}: measured in one pass. */
  Dataset<Row> sided() {
    return after().withColumn(SIDE, lit(1)).unionByName(before().withColumn(SIDE, lit(-1)));
  }

  /**
   * {@code stored} cells (the {@code keys} and {@code additive} columns) updated by the measures of
   * {@link #sided()} (the same columns and {@link #SIDE} as a cell key): the after side added, the before side
   * subtracted, per cell; cells left without facts ({@code fact_rows} 0) dropped, as a rebuild would not have
   * them.
   */
  static Dataset<Row> updated(Dataset<Row> stored, Dataset<Row> sidedMeasures, List<String> keys,
      List<String> additive) {
    List<Column> columns = new ArrayList<>();
    keys.forEach(k -> columns.add(col(k)));
    additive.forEach(a -> columns.add(col(a)));
    List<Column> signed = new ArrayList<>();
    keys.forEach(k -> signed.add(col(k)));
    additive.forEach(a -> signed.add(when(col(SIDE).equalTo(1), col(a)).otherwise(negative(col(a))).as(a)));
    List<Column> sums = new ArrayList<>();
    additive.forEach(a -> sums.add(sum(col(a)).as(a)));
    Column[] cols = columns.toArray(Column[]::new);
    return stored.select(cols).union(sidedMeasures.select(signed.toArray(Column[]::new)))
        .groupBy(keys.stream().map(k -> col(k)).toArray(Column[]::new))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new))
        .where(col("fact_rows").gt(0))
        .select(cols);
  }
}
