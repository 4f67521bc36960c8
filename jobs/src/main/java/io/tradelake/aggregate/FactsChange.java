package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.negative;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
record FactsChange(List<Integer> years, Dataset<Row> touched, Dataset<Row> cancels, Dataset<Row> cancelledLines,
    long from) {

  /** The column of {@link #sided()}: 1 for a fact after the change, -1 for one before it. */
  static final String SIDE = "_side";

  /**
   * The change made by batches {@code (from, to]} of {@code silver}: the years it touches (its events' own, and
   * those of the orders it cancels), the silver events of those years of the orders and buyers it touches, and
   * the cancels of their orders. The order lines it cancels are looked up once (and kept, a few rows): they
   * give both the years and the buyers a cancel touches.
   */
  static FactsChange of(Dataset<Row> silver, long from, long to) {
    Column isNew = col("ingest_batch").gt(from).and(col("ingest_batch").leq(to));
    Dataset<Row> current = silver.where(col("ingest_batch").leq(to));
    Dataset<Row> fresh = silver.where(isNew);
    Dataset<Row> cancelledLines = cancelledOrderLines(current, fresh, true).persist(StorageLevel.MEMORY_AND_DISK());
    List<Integer> years = touchedYears(fresh, cancelledLines);

    Dataset<Row> inYears = current.where(col("event_year").isin(years.toArray()));
    Dataset<Row> touchedOrders = fresh.where(col("event_type").isin("ORDER", "CANCEL"))
        .select(col("order_id").as("_t_order")).distinct();
    Dataset<Row> touchedBuyers = fresh.where(col("event_type").equalTo("ORDER")).select(col("buyer_id").as("_t_buyer"))
        .union(cancelledLines.select(col("buyer_id").as("_t_buyer")))
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
    return new FactsChange(years, touched, cancels, cancelledLines, from);
  }

  /**
   * The order lines (buyer, year) in {@code silver} of the orders {@code fresh} cancels. A small batch's
   * cancels are broadcast, so silver's order lines are scanned, not shuffled, to find them.
   */
  static Dataset<Row> cancelledOrderLines(Dataset<Row> silver, Dataset<Row> fresh, boolean broadcastCancels) {
    Dataset<Row> cancelled = fresh.where(col("event_type").equalTo("CANCEL"))
        .select(col("order_id").as("_t_order")).distinct();
    return silver.where(col("event_type").equalTo("ORDER"))
        .join(broadcastCancels ? broadcast(cancelled) : cancelled, col("order_id").equalTo(col("_t_order")),
            "left_semi")
        .select(col("buyer_id"), col("event_year"));
  }

  /**
   * Years whose cells a batch changes: its events' own, and those of the order lines it cancels
   * ({@link #cancelledOrderLines}). A handful of values, whatever the data size.
   */
  static List<Integer> touchedYears(Dataset<Row> fresh, Dataset<Row> cancelledLines) {
    return fresh.select(col("event_year")).union(cancelledLines.select(col("event_year"))).distinct()
        .as(Encoders.INT()).collectAsList().stream().sorted().toList();
  }

  /** The same change with its events and cancels persisted (they are read once per side and table); counted. */
  FactsChange persisted() {
    FactsChange p = new FactsChange(years, touched.persist(StorageLevel.MEMORY_AND_DISK()),
        cancels.persist(StorageLevel.MEMORY_AND_DISK()), cancelledLines, from);
    p.touched().count();
    p.cancels().count();
    return p;
  }

  void unpersist() {
    touched.unpersist();
    cancels.unpersist();
    cancelledLines.unpersist();
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
    Column[] cells = PeriodMeasures.columns(keys, additive);
    Column[] signed = Stream.concat(keys.stream().map(k -> col(k)),
        additive.stream().map(a -> when(col(SIDE).equalTo(1), col(a)).otherwise(negative(col(a))).as(a)))
        .toArray(Column[]::new);
    Column[] sums = additive.stream().map(a -> sum(col(a)).as(a)).toArray(Column[]::new);
    return stored.select(cells).union(sidedMeasures.select(signed))
        .groupBy(keys.stream().map(k -> col(k)).toArray(Column[]::new))
        .agg(sums[0], Arrays.copyOfRange(sums, 1, sums.length))
        .where(col("fact_rows").gt(0))
        .select(cells);
  }
}
