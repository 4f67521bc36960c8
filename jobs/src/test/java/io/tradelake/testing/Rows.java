package io.tradelake.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Tiny inline datasets and order-insensitive comparison. */
public final class Rows {

  private Rows() {}

  /** A dataset of string columns: {@code strings(spark, "a,b", row("1","x"), row("2", null))}. */
  public static Dataset<Row> strings(SparkSession spark, String columns, Object[]... rows) {
    StructType schema = new StructType();
    for (String c : columns.split(",")) {
      schema = schema.add(c.trim(), DataTypes.StringType);
    }
    List<Row> list = new ArrayList<>();
    for (Object[] r : rows) {
      list.add(RowFactory.create(r));
    }
    return spark.createDataFrame(list, schema);
  }

  public static Object[] row(Object... values) {
    return values;
  }

  /** The rows of {@code columns} as strings "a|b|c", sorted: compare datasets regardless of order. */
  public static List<String> sorted(Dataset<Row> ds, String... columns) {
    Dataset<Row> selected = columns.length == 0 ? ds : ds.selectExpr(columns);
    List<String> out = new ArrayList<>();
    for (Row r : selected.collectAsList()) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.length(); i++) {
        if (i > 0) {
          b.append('|');
        }
        b.append(r.isNullAt(i) ? "null" : r.get(i).toString());
      }
      out.add(b.toString());
    }
    out.sort(null);
    return out;
  }

  public static void assertSameRows(Dataset<Row> actual, Dataset<Row> expected) {
    assertThat(sorted(actual)).containsExactlyElementsOf(sorted(expected));
  }
}
