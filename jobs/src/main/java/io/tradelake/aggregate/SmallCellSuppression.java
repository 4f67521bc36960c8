package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Hides cells that describe too few buyers to be safe to publish: where {@code buyers < k} every measure is
 * null and {@code suppressed} is true. A roll-up (market or cohort ALL) is published when it has k buyers,
 * like any other cell.
 */
public final class SmallCellSuppression {

  public static final List<String> GROWTH_MEASURES = List.of("gross_value", "refund_value", "net_value", "orders",
      "buyers", "share_pct", "yoy_pct", "pop_pct");
  public static final List<String> YOUTH_MEASURES = List.of("buyers", "orders", "gross_value", "value_share_pct",
      "buyer_share_pct", "avg_order_value");

  private SmallCellSuppression() {}

  public static Dataset<Row> apply(Dataset<Row> cells, int minBuyers, List<String> measures) {
    Dataset<Row> flagged = cells.withColumn("suppressed", col("buyers").lt(minBuyers));
    for (String m : measures) {
      flagged = flagged.withColumn(m, when(col("suppressed"), lit(null)).otherwise(col(m)));
    }
    return flagged;
  }
}
