package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;

/**
 * The reporting periods of a year, numbered 0 (the year {@code 2019}), 1-2 (halves {@code 2019-H1}), 3-6
 * (quarters {@code 2019-Q3}) and 7-18 (months {@code 2019-07}). Each period has its first day and its length
 * in months, which is how the same period a year earlier and the previous period are found, and the months
 * it spans as a bit mask (bit 0 = January), which is how a row at month level is placed in its periods.
 */
public final class Periods {

  /** Periods in a year. */
  static final int COUNT = 19;

  private Periods() {}

  /**
   * A constant array of (index, months) per period of a year: which periods a row's month mask meets, found
   * without building the periods' labels for every row.
   */
  public static Column masks() {
    List<Column> masks = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      masks.add(struct(lit(i).as("index"), lit(((1 << length(i)) - 1) << (firstMonth(i) - 1)).as("months")));
    }
    return array(masks.toArray(Column[]::new));
  }

  /**
   * The period at {@code index} of year {@code y}: a struct of period_type, period, period_start,
   * period_months, looked up by index in constant arrays.
   */
  public static Column describe(Column y, Column index) {
    Column at = index.plus(1);
    Column type = element_at(constants(Periods::type), at);
    Column start = make_date(y, element_at(constants(Periods::firstMonth), at), lit(1));
    Column label = when(type.equalTo("year"), y.cast("string"))
        .when(type.equalTo("half"), concat(y.cast("string"), lit("-H"), index.cast("string")))
        .when(type.equalTo("quarter"), concat(y.cast("string"), lit("-Q"), index.minus(2).cast("string")))
        .otherwise(date_format(start, "yyyy-MM"));
    return struct(type.as("period_type"), label.as("period"), start.as("period_start"),
        element_at(constants(Periods::length), at).as("period_months"));
  }

  /** A constant array of one value per period, by index. */
  private static Column constants(IntFunction<Object> value) {
    return array(IntStream.range(0, COUNT).mapToObj(i -> lit(value.apply(i))).toArray(Column[]::new));
  }

  private static String type(int index) {
    return index == 0 ? "year" : index <= 2 ? "half" : index <= 6 ? "quarter" : "month";
  }

  private static int firstMonth(int index) {
    return index == 0 ? 1 : index <= 2 ? (index - 1) * 6 + 1 : index <= 6 ? (index - 3) * 3 + 1 : index - 6;
  }

  private static int length(int index) {
    return index == 0 ? 12 : index <= 2 ? 6 : index <= 6 ? 3 : 1;
  }
}
