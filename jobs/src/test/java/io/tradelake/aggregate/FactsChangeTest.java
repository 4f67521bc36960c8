package io.tradelake.aggregate;

import static io.tradelake.testing.Rows.row;
import static io.tradelake.testing.Rows.sorted;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.year;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.config.Settings;
import io.tradelake.testing.Rows;
import io.tradelake.testing.SparkTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Cells updated with a batch's change (stored cells + measures after − measures before, for the orders and
 * buyers it touches) equal the cells rebuilt from all events, for both gold tables.
 */
@SparkTest
class FactsChangeTest {

  static final Settings.Youth YOUTH = new Settings.Youth("IMPORT", 18, 35);
  static final String COLUMNS = "ingest_batch,event_type,order_id,buyer_id,event_date,direction,market,channel,cohort,"
      + "age_band,buyer_age,reporting_value";

  static Dataset<Row> silver(SparkSession spark, Object[]... rows) {
    return Rows.strings(spark, COLUMNS, rows)
        .withColumn("ingest_batch", col("ingest_batch").cast("long"))
        .withColumn("event_date", col("event_date").cast("date"))
        .withColumn("event_year", year(col("event_date")))
        .withColumn("buyer_age", col("buyer_age").cast("int"))
        .withColumn("reporting_value", col("reporting_value").cast(SalesFacts.MONEY));
  }

  static Object[] order(int batch, String order, String buyer, String date, String market, String channel, int age,
      String value) {
    return row(String.valueOf(batch), "ORDER", order, buyer, date, "IMPORT", market, channel, "post-95s", "18-24",
        String.valueOf(age), value);
  }

  static Object[] cancel(int batch, String order, String date) {
    return row(String.valueOf(batch), "CANCEL", order, null, date, null, null, null, null, null, null, null);
  }

  static Object[] refund(int batch, String order, String date, String market, String value) {
    return row(String.valueOf(batch), "REFUND", order, null, date, "IMPORT", market, "platform", null, null, null,
        value);
  }

  @Test
  void cancelsLateLinesRefundsAndNewOrdersUpdateCellsAsARebuildWould(SparkSession spark) {
    Dataset<Row> all = silver(spark,
        order(1, "o1", "b1", "2020-01-05", "JP", "platform", 20, "100"),
        order(1, "o2", "b1", "2020-01-20", "JP", "social", 20, "50"),
        order(1, "o3", "b2", "2020-02-03", "US", "platform", 30, "70"),
        order(1, "o4", "b3", "2019-03-01", "JP", "platform", 25, "40"),
        refund(1, "o1", "2020-02-10", "JP", "10"),
        cancel(2, "o2", "2020-03-01"),            // b1 keeps January through o1
        cancel(2, "o3", "2020-03-01"),            // b2's only order: US in February has no order left
        cancel(2, "o4", "2020-03-02"),            // a 2019 order cancelled in 2020
        order(2, "o1", "b1", "2020-01-05", "JP", "platform", 20, "25"), // a late line of o1
        order(2, "o5", "b1", "2020-03-04", "US", "social", 20, "80"),
        order(2, "o6", "b4", "2020-03-05", "JP", "platform", 19, "90"),
        cancel(2, "o6", "2020-03-06"),            // ordered and cancelled in the same batch
        refund(2, "o5", "2020-03-09", "US", "5"));
    assertUpdatedEqualsRebuilt(all, 1, 2, List.of(2019, 2020));
  }

  /** Seeded random events over three batches: the third batch's update equals the rebuild. */
  @Test
  void randomBatchesUpdateCellsAsARebuildWould(SparkSession spark) {
    Random rnd = new Random(5);
    List<Object[]> rows = new ArrayList<>();
    List<String> orders = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      int batch = 1 + rnd.nextInt(3);
      String date = String.format("%d-%02d-%02d", 2019 + rnd.nextInt(2), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28));
      int kind = rnd.nextInt(10);
      if (kind < 7 || orders.isEmpty()) {
        String order = rnd.nextInt(4) == 0 && !orders.isEmpty() ? orders.get(rnd.nextInt(orders.size())) : "o" + i;
        orders.add(order);
        // One buyer per order, as in silver.
        String buyer = "b" + Math.floorMod(order.hashCode(), 60);
        rows.add(order(batch, order, buyer, date, rnd.nextBoolean() ? "JP" : "US",
            rnd.nextBoolean() ? "platform" : "social", 16 + Math.floorMod(order.hashCode(), 25),
            String.format("%d.%04d", rnd.nextInt(500), rnd.nextInt(10_000))));
      } else if (kind < 9) {
        rows.add(cancel(batch, orders.get(rnd.nextInt(orders.size())), date));
      } else {
        rows.add(refund(batch, orders.get(rnd.nextInt(orders.size())), date, "JP", "3.5"));
      }
    }
    Dataset<Row> all = silver(spark, rows.toArray(Object[][]::new));
    assertUpdatedEqualsRebuilt(all, 2, 3, List.of(2019, 2020));
  }

  private static void assertUpdatedEqualsRebuilt(Dataset<Row> all, long from, long to, List<Integer> years) {
    Dataset<Row> stored = all.where(col("ingest_batch").leq(from));
    FactsChange change = FactsChange.of(all, from, to);
    assertThat(change.years()).as("years the batch touches").isEqualTo(years);
    change = change.persisted();

    Dataset<Row> growth = FactsChange.updated(GrowthByMarket.cells(SalesFacts.from(stored)),
        GrowthByMarket.additiveMeasures(change.sided(), FactsChange.SIDE), GrowthByMarket.KEYS,
        GrowthByMarket.ADDITIVE);
    String[] growthColumns = columnNames(GrowthByMarket.KEYS, GrowthByMarket.ADDITIVE);
    List<String> rebuilt = sorted(GrowthByMarket.cells(SalesFacts.from(all)), growthColumns);
    assertThat(sorted(growth, growthColumns)).hasSizeGreaterThan(10).containsExactlyElementsOf(rebuilt);
    // The batch did change something: the stored cells alone are not the rebuild.
    assertThat(sorted(GrowthByMarket.cells(SalesFacts.from(stored)), growthColumns)).isNotEqualTo(rebuilt);

    Dataset<Row> youth = FactsChange.updated(YouthConsumptionChannel.cells(SalesFacts.from(stored), YOUTH),
        YouthConsumptionChannel.cells(change.sided(), YOUTH, FactsChange.SIDE), YouthConsumptionChannel.KEYS,
        YouthConsumptionChannel.ADDITIVE);
    String[] youthColumns = columnNames(YouthConsumptionChannel.KEYS, YouthConsumptionChannel.ADDITIVE);
    assertThat(sorted(youth, youthColumns)).hasSizeGreaterThan(10)
        .containsExactlyElementsOf(sorted(YouthConsumptionChannel.cells(SalesFacts.from(all), YOUTH), youthColumns));
    change.unpersist();
  }

  private static String[] columnNames(List<String> keys, List<String> additive) {
    List<String> out = new ArrayList<>(keys);
    out.addAll(additive);
    return out.toArray(String[]::new);
  }
}
