package io.tradelake.clean;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.tradelake.config.Settings;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every rule an event must pass to reach silver, in the order they are checked. An event that fails lands
 * in quarantine under the name of the first rule it fails, with the offending value as detail.
 */
public final class QualityRules {

  /** A named check: {@code fails} is true for a bad event; {@code detail} says what was seen. */
  public record Rule(String name, Column fails, Column detail) {}

  private QualityRules() {}

  public static List<Rule> all(Settings s, LocalDate runDate) {
    Column type = col("event_type_t");
    Column priced = type.isin("ORDER", "REFUND");
    Column sale = type.equalTo("ORDER");
    Settings.Rules r = s.rules();
    return List.of(
        new Rule("changed_file", col("line_kind").equalTo("CHANGED_FILE"), col("parse_error")),
        new Rule("truncated_file", col("line_kind").equalTo("TRUNCATED"), col("parse_error")),
        new Rule("blank_line", col("line_kind").equalTo("BLANK"), lit("")),
        // Bytes that are not UTF-8 (e.g. Latin-1 text): the line's text cannot be read as what was sent.
        // valid_utf8 is is_valid_utf8(raw_line), taken before the raw line is dropped (CleanJob.label).
        new Rule("invalid_utf8", not(col("valid_utf8")), lit("bytes that are not UTF-8")),
        new Rule("unparsable_line", col("parse_error").isNotNull(), col("parse_error")),
        new Rule("conflicting_duplicate", col("conflicting_duplicate"), concat(lit("event_id "), col("event_id_t"))),
        new Rule("missing_event_id", col("event_id_t").isNull(), lit("")),
        new Rule("unknown_event_type", not(type.isin("ORDER", "REFUND", "CANCEL")).or(type.isNull()), col("event_type")),
        new Rule("bad_timestamp", col("event_time_t").isNull(), col("event_time")),
        new Rule("event_time_out_of_range",
            col("event_date").lt(lit(Date.valueOf(r.minEventDate())))
                .or(col("event_date").gt(date_add(lit(Date.valueOf(runDate)), r.maxDaysInFuture()))),
            col("event_time")),
        new Rule("missing_order_id", col("order_id_t").isNull(), lit("")),
        new Rule("unparsable_quantity", priced.and(col("quantity_t").isNull()), col("quantity")),
        new Rule("non_positive_quantity", priced.and(col("quantity_t").leq(0)), col("quantity")),
        new Rule("quantity_out_of_range", priced.and(col("quantity_t").gt(r.maxQuantity())), col("quantity")),
        new Rule("unparsable_price", priced.and(col("unit_price_t").isNull()), col("unit_price")),
        new Rule("non_positive_price", priced.and(col("unit_price_t").leq(0)), col("unit_price")),
        new Rule("price_out_of_range", priced.and(col("unit_price_t").gt(r.maxUnitPrice())), col("unit_price")),
        new Rule("unknown_currency", priced.and(col("currency_known").isNull().or(not(col("currency_known")))),
            col("currency")),
        new Rule("no_fx_rate", priced.and(col("fx_rate").isNull()),
            concat(col("currency_t"), lit(" on "), col("fx_day").cast("string"))),
        new Rule("unknown_buyer_country", priced.and(col("buyer_country_iso").isNull()), col("buyer_country")),
        new Rule("unknown_seller_country", priced.and(col("seller_country_iso").isNull()), col("seller_country")),
        new Rule("unknown_channel", sale.and(col("channel").isNull()), col("platform")),
        new Rule("bad_birth_year",
            EventTyper.blankToNull(col("buyer_birth_year")).isNotNull().and(col("birth_year_t").isNull()
                .or(col("birth_year_t").lt(r.minBirthYear()))
                .or(col("birth_year_t").gt(year(col("event_date"))))),
            col("buyer_birth_year")));
  }

  public static List<String> names(Settings s) {
    return all(s, LocalDate.now()).stream().map(Rule::name).toList();
  }

  /** Adds {@code quarantine_rule} and {@code quarantine_detail}: the first rule the event fails, else null. */
  public static Dataset<Row> check(Dataset<Row> events, List<Rule> rules) {
    // Each rule's test runs once per event: the first failing rule's number is found in one pass, and the
    // name and the detail are looked up by that number (a test repeated in a second CASE would run twice).
    Column failed = null;
    for (int i = 0; i < rules.size(); i++) {
      Column fails = rules.get(i).fails();
      // A rule whose inputs are null (e.g. no timestamp) does not fire; an earlier rule has caught it.
      // coalesce, not "isNotNull and": that generated each test's code twice (2.8 kB of the stage's method).
      Column firing = coalesce(fails, lit(false));
      failed = failed == null ? when(firing, lit(i)) : failed.when(firing, lit(i));
    }
    // The name by the number from one array literal, not a CASE of 24 names (1.3 kB of the stage's method).
    Column rule = get(lit(rules.stream().map(Rule::name).toArray(String[]::new)), col(FAILED));
    Column detail = null;
    for (int i = 0; i < rules.size(); i++) {
      Column is = col(FAILED).equalTo(i);
      Column d = rules.get(i).detail().cast("string");
      detail = detail == null ? when(is, d) : detail.when(is, d);
    }
    return events.withColumn(FAILED, failed)
        .withColumn("quarantine_rule", rule).withColumn("quarantine_detail", detail)
        .drop(FAILED);
  }

  private static final String FAILED = "_failed_rule";
}
