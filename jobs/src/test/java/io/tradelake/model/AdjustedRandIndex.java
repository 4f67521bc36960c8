package io.tradelake.model;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Adjusted Rand index (Hubert and Arabie) of two labelings, from their contingency table. */
final class AdjustedRandIndex {

  private AdjustedRandIndex() {}

  /** @param joined one row per item with both labelings in columns {@code a} and {@code b} */
  static double of(Dataset<Row> joined, String a, String b) {
    // The contingency table has (clusters × segments) cells: small enough for the driver.
    Map<String, Long> cells = new HashMap<>();
    for (Row r : joined.groupBy(a, b).count().collectAsList()) {
      cells.put(r.get(0) + "\u0000" + r.get(1), r.getLong(2));
    }
    Map<String, Long> rows = new HashMap<>();
    Map<String, Long> cols = new HashMap<>();
    long n = 0;
    double index = 0;
    for (Map.Entry<String, Long> e : cells.entrySet()) {
      String[] key = e.getKey().split("\u0000", -1);
      rows.merge(key[0], e.getValue(), Long::sum);
      cols.merge(key[1], e.getValue(), Long::sum);
      n += e.getValue();
      index += pairs(e.getValue());
    }
    double sumRows = rows.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
    double sumCols = cols.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
    double expected = sumRows * sumCols / pairs(n);
    double max = (sumRows + sumCols) / 2;
    return max == expected ? 1.0 : (index - expected) / (max - expected);
  }

  private static double pairs(long m) {
    return m * (m - 1) / 2.0;
  }
}
