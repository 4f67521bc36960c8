package io.tradelake.clean;

import static io.tradelake.testing.Rows.row;
import static io.tradelake.testing.Rows.sorted;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradelake.config.Band;
import io.tradelake.config.ChannelRule;
import io.tradelake.config.SettingsException;
import io.tradelake.config.SourceLayout;
import io.tradelake.testing.Rows;
import io.tradelake.testing.SparkTest;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The clean stage's transforms, each on a few inline rows. */
@SparkTest
class CleanTransformsTest {

  static final SourceLayout SHANGHAI = new SourceLayout("sh", SourceLayout.Format.CSV, ",", "\"", false,
      List.of("a"), "", Map.of(), List.of("dd/MM/yyyy HH:mm"), "Asia/Shanghai");

  @Test
  void timestampsWithOffsetAreInstantsWithoutOffsetTakeTheLayoutsZone(SparkSession spark) {
    Dataset<Row> in = Rows.strings(spark, "layout,event_time,quantity,unit_price",
        row("sh", "2019-03-01T10:00:00+08:00", "6", "12.50"),
        row("sh", "2019-03-01 10:00:00", "6.0", "12,50"),
        row("sh", "01/03/2019 10:00", "+6", "1e2"),
        row("sh", "2019-02-30 10:00:00", "2.5", "NaN"),
        row("sh", "2019", "99999999999999999999", "-1"));
    for (String f : SourceLayout.CANONICAL_FIELDS) {
      if (!List.of(in.columns()).contains(f)) {
        in = in.withColumn(f, lit(null).cast("string"));
      }
    }
    Dataset<Row> typed = EventTyper.type(in, List.of(SHANGHAI));
    assertThat(sorted(typed, "event_time", "CAST(event_time_t AS STRING)", "quantity_t", "unit_price_t"))
        .containsExactly(
            "01/03/2019 10:00|2019-03-01 02:00:00|6|100.0000",
            "2019-02-30 10:00:00|null|null|null",
            "2019-03-01 10:00:00|2019-03-01 02:00:00|6|null",
            "2019-03-01T10:00:00+08:00|2019-03-01 02:00:00|6|12.5000",
            "2019|null|null|-1.0000");
    assertThat(EventTyper.hasZone("yyyy-MM-dd'T'HH:mm:ssXXX")).isTrue();
    assertThat(EventTyper.hasZone("yyyy-MM-dd'Z'HH")).isFalse();
  }

  @Test
  void countrySpellingsBecomeIsoCodes(SparkSession spark) {
    Dataset<Row> aliases = CountryCodes.aliasFrame(spark, Map.of("GB", List.of("UK"), "US", List.of("U.S.A.")));
    Dataset<Row> out = CountryCodes.normalise(Rows.strings(spark, "c",
        row("gb"), row("GBR"), row("United Kingdom"), row(" uk "), row("U.S.A."), row("usa"), row("Atlantis"),
        row((Object) null)), aliases, "c", "iso");
    assertThat(sorted(out, "c", "iso")).containsExactly(
        " uk |GB", "Atlantis|null", "GBR|GB", "U.S.A.|US", "United Kingdom|GB", "gb|GB", "null|null", "usa|US");
  }

  @Test
  void anEventGetsTheFirstRuleItFailsAndARuleWithANullTestDoesNotFire(SparkSession spark) {
    List<QualityRules.Rule> rules = List.of(
        new QualityRules.Rule("too_big", col("x").cast("int").gt(5), col("x")),
        new QualityRules.Rule("bad_y", col("y").equalTo("bad"), col("y")),
        new QualityRules.Rule("no_z", col("z").isNull(), lit("")));
    Dataset<Row> out = QualityRules.check(Rows.strings(spark, "id,x,y,z",
        row("both", "10", "bad", "z"), row("null x", null, "bad", "z"), row("last", "1", "ok", null),
        row("passes", "1", null, "z"), row("first", "6", "ok", null)), rules);
    assertThat(sorted(out, "id", "quarantine_rule", "quarantine_detail")).containsExactly(
        "both|too_big|10", "first|too_big|6", "last|no_z|", "null x|bad_y|bad", "passes|null|null");
  }

  @Test
  void theFirstMatchingChannelRuleWins(SparkSession spark) {
    List<ChannelRule> rules = List.of(new ChannelRule("cross", List.of("tmall ?global")),
        new ChannelRule("integrated", List.of("^tmall")), new ChannelRule("free", List.of("duty[- ]?free")));
    Dataset<Row> out = ChannelMapper.map(Rows.strings(spark, "platform",
        row("Tmall Global"), row("TMALL"), row("Sanya Duty-Free"), row("Corner shop")), rules);
    assertThat(sorted(out, "platform", "channel")).containsExactly(
        "Corner shop|null", "Sanya Duty-Free|free", "TMALL|integrated", "Tmall Global|cross");
  }

  @Test
  void aRateHoldsUntilTheNextOneForAtMostItsMaximumAge(SparkSession spark) {
    Dataset<Row> rates = spark.createDataFrame(FxRates.parse(List.of("date,currency,rate",
        "2019-01-01,USD,7.0", "2019-01-05,USD,7.1", "2019-01-01,JPY,0.06"), "test"), FxRates.SCHEMA);
    Dataset<Row> daily = FxRates.daily(rates, 7);
    Dataset<Row> events = Rows.strings(spark, "currency_t,fx_day",
            row("USD", "2018-12-31"), row("USD", "2019-01-04"), row("USD", "2019-01-05"), row("USD", "2019-01-12"),
            row("USD", "2019-01-13"), row("JPY", "2019-01-08"), row("JPY", "2019-01-09"),
            row("CNY", "2030-01-01"), row("XYZ", "2019-01-02"))
        .withColumn("fx_day", col("fx_day").cast("date"));
    Dataset<Row> out = FxRates.convert(events, daily, "CNY", List.of("USD", "JPY"));
    assertThat(sorted(out, "currency_t", "CAST(fx_day AS STRING)", "CAST(fx_rate AS DOUBLE)", "currency_known"))
        .containsExactly("CNY|2030-01-01|1.0|true", "JPY|2019-01-08|0.06|true", "JPY|2019-01-09|null|true",
            "USD|2018-12-31|null|true", "USD|2019-01-04|7.0|true", "USD|2019-01-05|7.1|true",
            "USD|2019-01-12|7.1|true", "USD|2019-01-13|null|true", "XYZ|2019-01-02|null|false");
    assertThatThrownBy(() -> FxRates.parse(List.of("h", "2019-01-01,USD,-1"), "rates.csv"))
        .isInstanceOf(SettingsException.class).hasMessageContaining("rates.csv line 2");
  }

  @Test
  void anFxTableIsDescribedByItsRatesNotByTheirOrderOrSpelling(SparkSession spark) {
    FxRates.Contents fx = contents(spark, "2019-01-01,USD,7.0", "2019-01-05,USD,7.1", "2019-01-01,JPY,0.06");
    assertThat(fx.currencies()).containsExactly("JPY", "USD");
    assertThat(fx.description()).startsWith("3 rates of 2 currencies, 2019-01-01 to 2019-01-05, checksum ");
    // The same rates in another order, one written with more decimals: the same table.
    assertThat(contents(spark, "2019-01-01,JPY,0.060", "2019-01-05,USD,7.1", "2019-01-01,USD,7.0").description())
        .isEqualTo(fx.description());
    // One rate corrected, or one moved to another day: another table, though as many rates over the same days.
    assertThat(contents(spark, "2019-01-01,USD,7.0", "2019-01-05,USD,7.2", "2019-01-01,JPY,0.06").description())
        .startsWith("3 rates of 2 currencies, 2019-01-01 to 2019-01-05").isNotEqualTo(fx.description());
    assertThat(contents(spark, "2019-01-01,USD,7.0", "2019-01-05,USD,7.1", "2019-01-05,JPY,0.06").description())
        .isNotEqualTo(fx.description());
    assertThat(contents(spark).description()).isEqualTo("no rates");
  }

  static FxRates.Contents contents(SparkSession spark, String... lines) {
    List<String> all = new java.util.ArrayList<>(List.of("date,currency,rate"));
    all.addAll(List.of(lines));
    return FxRates.contents(spark.createDataFrame(FxRates.parse(all, "test"), FxRates.SCHEMA));
  }

  @Test
  void directionMarketAgeBandAndCohort(SparkSession spark) {
    Dataset<Row> in = Rows.strings(spark, "seller_country_iso,buyer_country_iso,event_time_t,birth_year_t",
            row("CN", "US", "2019-12-31 16:30:00", "1995"), row("JP", "CN", "2019-06-01 00:00:00", "1990"),
            row("CN", "CN", "2019-06-01 00:00:00", "2002"), row("JP", "US", "2019-06-01 00:00:00", null))
        .withColumn("event_time_t", col("event_time_t").cast("timestamp"))
        .withColumn("birth_year_t", col("birth_year_t").cast("int"));
    List<Band> bands = List.of(new Band("18-24", 18, 24), new Band("25-29", 25, 29));
    List<Band> cohorts = List.of(new Band("post-90s", 1990, 1994), new Band("post-95s", 1995, 1999));
    Dataset<Row> out = in.transform(d -> EventClassifier.eventDate(d, "Asia/Shanghai"))
        .transform(d -> EventClassifier.direction(d, "CN"))
        .transform(d -> EventClassifier.demographics(d, bands, cohorts));
    assertThat(sorted(out, "seller_country_iso", "buyer_country_iso", "CAST(event_date AS STRING)", "direction",
        "market", "buyer_age", "age_band", "cohort")).containsExactly(
        "CN|CN|2019-06-01|DOMESTIC|CN|17|null|null",
        "CN|US|2020-01-01|EXPORT|US|25|25-29|post-95s",
        "JP|CN|2019-06-01|IMPORT|JP|29|25-29|post-90s",
        "JP|US|2019-06-01|FOREIGN|US|null|null|null");
  }

  @Test
  void repeatedEventIdsAreDuplicatesOrConflictsAndTheFirstIsKept(SparkSession spark) {
    Dataset<Row> in = Rows.strings(spark, "event_id,event_id_t,order_id,ingested_at,source_file,line_number",
            row("e1", "e1", "o1", "2019-01-01", "f", "2"), row("e1", "e1", "o1", "2019-01-01", "f", "5"),
            row("e1", "e1", "oX", "2019-01-02", "g", "1"), row(null, null, "o2", "2019-01-01", "f", "3"),
            row(null, null, "o2", "2019-01-01", "f", "4"))
        .withColumn("line_number", col("line_number").cast("long"));
    for (String f : SourceLayout.CANONICAL_FIELDS) {
      if (!List.of("event_id", "order_id").contains(f)) {
        in = in.withColumn(f, lit(null).cast("string"));
      }
    }
    Dataset<Row> marked = Deduplicator.mark(in);
    assertThat(sorted(marked, "source_file", "line_number", "is_duplicate", "conflicting_duplicate"))
        .containsExactly("f|2|false|false", "f|3|false|false", "f|4|false|false", "f|5|true|false",
            "g|1|false|true");
    Dataset<Row> known = Rows.strings(spark, "known_event_id", row("e1"))
        .withColumn("known_content_hash", lit(0L));
    assertThat(sorted(Deduplicator.againstKnown(marked, known).where("event_id_t = 'e1'"),
        "source_file", "line_number", "is_duplicate", "conflicting_duplicate"))
        .containsExactly("f|2|false|true", "f|5|false|true", "g|1|false|true");
  }
}
