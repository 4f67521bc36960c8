package io.tradelake.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.tradelake.config.Settings;
import io.tradelake.config.SourceLayout;
import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.Tables;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/** Bronze → silver (typed, converted, classified, deduplicated) and quarantine (each bad row, with its rule). */
public final class CleanJob implements Job {

  public static final String NAME = "clean";
  static final String SILVER = "SILVER";
  static final String QUARANTINED = "QUARANTINED";
  static final String DUPLICATE = "DUPLICATE";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<StageMetrics> run(JobContext ctx) {
    long start = System.currentTimeMillis();
    Settings s = ctx.settings();
    if (!ctx.tables().exists(Tables.BRONZE)) {
      throw new IllegalStateException("no bronze table at " + ctx.tables().path(Tables.BRONZE) + ": run ingest first");
    }
    ctx.describe(NAME, "load reference data");
    Dataset<Row> rates = FxRates.load(ctx.spark(), s.fxRatesFile());
    List<String> currencies = rates.select("currency").distinct().as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
    Dataset<Row> dailyRates = FxRates.daily(rates, s.fxMaxRateAgeDays());
    Dataset<Row> countries = CountryCodes.aliasFrame(ctx.spark(), s.countryAliases());

    ctx.describe(NAME, "count bronze rows");
    Dataset<Row> bronze = ctx.tables().read(Tables.BRONZE).where(col("line_kind").notEqual("HEADER"));
    long rowsIn = bronze.count();

    LocalDate runDate = ctx.startedAt().atZone(ZoneOffset.UTC).toLocalDate();
    Dataset<Row> labeled = label(bronze, s, dailyRates, currencies, countries, runDate)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ctx.describe(NAME, "count outcomes by rule");
      Map<String, Long> ruleCounts = new TreeMap<>();
      long duplicates = 0;
      for (Row r : labeled.groupBy("outcome", "quarantine_rule").count().collectAsList()) {
        if (DUPLICATE.equals(r.getString(0))) {
          duplicates += r.getLong(2);
        } else if (QUARANTINED.equals(r.getString(0))) {
          ruleCounts.merge(r.getString(1), r.getLong(2), Long::sum);
        }
      }
      ctx.describe(NAME, "write silver");
      Pseudonymizer ids = new Pseudonymizer(s.pseudonymKey());
      long rowsOut = ctx.tables().overwrite(silver(labeled.where(col("outcome").equalTo(SILVER)), ctx.runId(), ids),
          Tables.SILVER, "event_year");
      ctx.describe(NAME, "write quarantine");
      long quarantined = ctx.tables().overwrite(
          quarantine(labeled.where(col("outcome").equalTo(QUARANTINED)), ctx.runId(), ids), Tables.QUARANTINE,
          "rule");
      return List.of(new StageMetrics(NAME, Tables.SILVER, rowsIn, rowsOut, quarantined, duplicates, ruleCounts,
          System.currentTimeMillis() - start));
    } finally {
      labeled.unpersist();
    }
  }

  /** Every bronze row with its outcome: SILVER, QUARANTINED (with the rule) or DUPLICATE. */
  public static Dataset<Row> label(Dataset<Row> bronze, Settings s, Dataset<Row> dailyRates, List<String> currencies,
      Dataset<Row> countries, LocalDate runDate) {
    return bronze
        .transform(d -> EventTyper.type(d, s.layouts().values()))
        .transform(Deduplicator::mark)
        .transform(d -> EventClassifier.eventDate(d, s.reportingTimeZone()))
        .withColumn("fx_day", col("event_date"))
        .transform(d -> FxRates.convert(d, dailyRates, s.reportingCurrency(), currencies))
        .transform(d -> CountryCodes.normalise(d, countries, "buyer_country", "buyer_country_iso"))
        .transform(d -> CountryCodes.normalise(d, countries, "seller_country", "seller_country_iso"))
        .transform(d -> ChannelMapper.map(d, s.channels()))
        .transform(d -> EventClassifier.direction(d, s.reportingCountry()))
        .transform(d -> EventClassifier.demographics(d, s.ageBands(), s.cohorts()))
        .transform(d -> QualityRules.check(d, QualityRules.all(s, runDate)))
        .withColumn("outcome", when(col("is_duplicate"), lit(DUPLICATE))
            .when(col("quarantine_rule").isNotNull(), lit(QUARANTINED))
            .otherwise(lit(SILVER)));
  }

  /**
   * The silver row: typed values, the value in the reporting currency, and lineage back to bronze. Buyer ids
   * are pseudonymised: raw ids stay in bronze.
   */
  public static Dataset<Row> silver(Dataset<Row> good, String runId, Pseudonymizer ids) {
    Column priced = col("event_type_t").isin("ORDER", "REFUND");
    Column localValue = col("quantity_t").cast("decimal(12,0)").multiply(col("unit_price_t"));
    return good.select(
        col("event_id_t").as("event_id"),
        col("order_id_t").as("order_id"),
        col("event_type_t").as("event_type"),
        col("event_time_t").as("event_time"),
        col("event_date"),
        year(col("event_date")).as("event_year"),
        col("platform"),
        col("channel"),
        ids.pseudonym(col("buyer_id_t")).as("buyer_id"),
        col("buyer_country_iso").as("buyer_country"),
        col("birth_year_t").as("buyer_birth_year"),
        col("buyer_age"),
        col("age_band"),
        col("cohort"),
        col("seller_country_iso").as("seller_country"),
        col("direction"),
        col("market"),
        col("category_t").as("category"),
        when(priced, col("quantity_t")).as("quantity"),
        when(priced, col("unit_price_t")).as("unit_price"),
        when(priced, col("currency_t")).as("currency"),
        when(priced, col("fx_rate")).as("fx_rate"),
        when(priced, round(localValue.multiply(col("fx_rate")), 4).cast("decimal(38,4)")).as("reporting_value"),
        col("layout"),
        col("source_file"),
        col("line_number"),
        col("ingest_run_id"),
        lit(runId).as("clean_run_id"));
  }

  /**
   * The quarantine row: the rule, what was seen and where it came from. The raw line itself stays in bronze
   * (same source_file and line_number), because it carries the raw buyer id; here that id is pseudonymised.
   */
  public static Dataset<Row> quarantine(Dataset<Row> bad, String runId, Pseudonymizer ids) {
    List<Column> cols = new ArrayList<>(List.of(
        col("quarantine_rule").as("rule"),
        col("quarantine_detail").as("detail"),
        lit(NAME).as("stage"),
        col("layout"),
        col("source_file"),
        col("source_day"),
        col("line_number")));
    SourceLayout.CANONICAL_FIELDS.forEach(f ->
        cols.add(f.equals("buyer_id") ? ids.pseudonym(EventTyper.blankToNull(col(f))).as(f) : col(f)));
    cols.add(col("ingest_run_id"));
    cols.add(lit(runId).as("clean_run_id"));
    return bad.select(cols.toArray(Column[]::new));
  }
}
