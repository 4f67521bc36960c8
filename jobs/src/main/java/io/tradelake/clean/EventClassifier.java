package io.tradelake.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.tradelake.config.Band;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Direction and market relative to the reporting country; buyer age, age band and generation cohort. */
public final class EventClassifier {

  public static final String EXPORT = "EXPORT";
  public static final String IMPORT = "IMPORT";
  public static final String DOMESTIC = "DOMESTIC";
  public static final String FOREIGN = "FOREIGN";

  private EventClassifier() {}

  /** Adds {@code event_date}: the calendar day of the event in the reporting time zone. */
  public static Dataset<Row> eventDate(Dataset<Row> events, String reportingTimeZone) {
    return events.withColumn("event_date", to_date(from_utc_timestamp(col("event_time_t"), reportingTimeZone)));
  }

  public static Dataset<Row> direction(Dataset<Row> events, String reportingCountry) {
    Column sellerHome = col("seller_country_iso").equalTo(reportingCountry);
    Column buyerHome = col("buyer_country_iso").equalTo(reportingCountry);
    Column direction = when(sellerHome.and(buyerHome), lit(DOMESTIC))
        .when(sellerHome, lit(EXPORT))
        .when(buyerHome, lit(IMPORT))
        .when(col("seller_country_iso").isNotNull().and(col("buyer_country_iso").isNotNull()), lit(FOREIGN));
    Column market = when(col("direction").equalTo(IMPORT), col("seller_country_iso"))
        .when(col("direction").equalTo(DOMESTIC), lit(reportingCountry))
        .otherwise(col("buyer_country_iso"));
    return events.withColumn("direction", direction).withColumn("market", market);
  }

  /** Age at purchase is event year minus birth year: birth dates are not in the logs. */
  public static Dataset<Row> demographics(Dataset<Row> events, List<Band> ageBands, List<Band> cohorts) {
    Column age = year(col("event_date")).minus(col("birth_year_t"));
    return events
        .withColumn("buyer_age", age)
        .withColumn("age_band", band(col("buyer_age"), ageBands))
        .withColumn("cohort", band(col("birth_year_t"), cohorts));
  }

  static Column band(Column value, List<Band> bands) {
    Column result = null;
    for (Band b : bands) {
      Column in = value.between(b.from(), b.to());
      result = result == null ? when(in, lit(b.name())) : result.when(in, lit(b.name()));
    }
    return result == null ? lit(null).cast("string") : result;
  }
}
