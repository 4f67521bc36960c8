package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.make_date;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.quarter;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The reporting periods a day falls in: year {@code 2019}, half {@code 2019-H1}, quarter {@code 2019-Q3},
 * month {@code 2019-07}. Each period also has its first day and its length in months, which is how the
 * same period a year earlier and the previous period are found.
 */
public final class Periods {

  private Periods() {}

  /** One row per input row and period type: adds period_type, period, period_start, period_months. */
  public static Dataset<Row> expand(Dataset<Row> rows, String dateColumn) {
    Column d = col(dateColumn);
    Column y = year(d);
    Column half = when(month(d).leq(6), lit(1)).otherwise(lit(2));
    Column q = quarter(d);
    Column periods = array(
        period("year", y.cast("string"), make_date(y, lit(1), lit(1)), 12),
        period("half", concat(y.cast("string"), lit("-H"), half.cast("string")),
            make_date(y, half.minus(1).multiply(6).plus(1), lit(1)), 6),
        period("quarter", concat(y.cast("string"), lit("-Q"), q.cast("string")),
            make_date(y, q.minus(1).multiply(3).plus(1), lit(1)), 3),
        period("month", date_format(d, "yyyy-MM"), trunc(d, "month"), 1));
    return rows.withColumn("_period", explode(periods))
        .withColumn("period_type", col("_period.period_type"))
        .withColumn("period", col("_period.period"))
        .withColumn("period_start", col("_period.period_start"))
        .withColumn("period_months", col("_period.period_months"))
        .drop("_period");
  }

  private static Column period(String type, Column label, Column start, int months) {
    return struct(lit(type).as("period_type"), label.as("period"), start.as("period_start"),
        lit(months).as("period_months"));
  }
}
