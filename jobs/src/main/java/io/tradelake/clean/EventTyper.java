package io.tradelake.clean;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.nullif;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.tradelake.config.SourceLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Canonical text fields → typed columns ({@code *_t}). Nothing fails here: a value that does not parse
 * becomes null next to its original text, and a quality rule names it.
 */
public final class EventTyper {

  /** ISO-8601 date-time, with or without a zone offset; Spark's cast reads exactly these. */
  static final String ISO_DATE_TIME =
      "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}(:?\\d{2})?)?$";
  static final String HAS_OFFSET = "(Z|[+-]\\d{2}(:?\\d{2})?)$";

  private EventTyper() {}

  public static Dataset<Row> type(Dataset<Row> events, Collection<SourceLayout> layouts) {
    return events
        .withColumn("event_id_t", blankToNull(col("event_id")))
        .withColumn("order_id_t", blankToNull(col("order_id")))
        .withColumn("event_type_t", upper(trim(col("event_type"))))
        .withColumn("event_time_t", eventTime(layouts))
        .withColumn("buyer_id_t", blankToNull(col("buyer_id")))
        .withColumn("birth_year_t", trim(col("buyer_birth_year")).try_cast("int"))
        .withColumn("quantity_t", wholeNumber(col("quantity")))
        .withColumn("unit_price_t", trim(col("unit_price")).try_cast("decimal(18,4)"))
        .withColumn("currency_t", upper(trim(col("currency"))))
        .withColumn("category_t", blankToNull(col("category")));
  }

  /** A whole number written as "6", "6.0" or "+6"; null for "2.5", "six" or anything beyond a long. */
  static Column wholeNumber(Column text) {
    Column d = trim(text).try_cast("decimal(30,4)");
    return when(d.equalTo(floor(d)), d.try_cast("bigint"));
  }

  static Column blankToNull(Column c) {
    return nullif(trim(c), lit(""));
  }

  /** The event's instant: ISO-8601 first, then the layout's own patterns; no offset means the layout's zone. */
  static Column eventTime(Collection<SourceLayout> layouts) {
    Column text = trim(col("event_time"));
    Column result = null;
    for (SourceLayout layout : layouts) {
      Column parsed = timestamp(text, layout);
      result = result == null
          ? when(col("layout").equalTo(layout.name()), parsed)
          : result.when(col("layout").equalTo(layout.name()), parsed);
    }
    return result == null ? lit(null).cast("timestamp") : result;
  }

  static Column timestamp(Column text, SourceLayout layout) {
    String zone = layout.timeZone();
    List<Column> attempts = new ArrayList<>();
    Column iso = when(text.rlike(ISO_DATE_TIME), text.try_cast("timestamp"));
    attempts.add(when(text.rlike(HAS_OFFSET), iso).otherwise(to_utc_timestamp(iso, zone)));
    for (String pattern : layout.timestampPatterns()) {
      Column p = try_to_timestamp(text, lit(pattern));
      attempts.add(hasZone(pattern) ? p : to_utc_timestamp(p, zone));
    }
    return coalesce(attempts.toArray(Column[]::new));
  }

  /** Whether a datetime pattern reads a zone or offset (letters outside quoted text). */
  static boolean hasZone(String pattern) {
    boolean quoted = false;
    for (char ch : pattern.toCharArray()) {
      if (ch == '\'') {
        quoted = !quoted;
      } else if (!quoted && "XxZOVz".indexOf(ch) >= 0) {
        return true;
      }
    }
    return false;
  }
}
