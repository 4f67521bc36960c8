package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/** Percentages as decimals rounded to 2 places; null, not zero, where the base is missing or zero. */
final class Percentages {

  static final String PCT = "decimal(20,2)";

  private Percentages() {}

  /** {@code part} as a percentage of {@code whole}. */
  static Column share(Column part, Column whole) {
    return when(whole.isNotNull().and(whole.notEqual(0)),
        round(part.cast("decimal(38,4)").multiply(100).divide(whole.cast("decimal(38,4)")), 2)).cast(PCT);
  }

  /** Growth of {@code current} over {@code base}, in percent. */
  static Column growth(Column current, Column base) {
    return share(current.minus(base), base);
  }

  static Column money(Column c) {
    return round(c, 2).cast("decimal(38,2)");
  }
}
