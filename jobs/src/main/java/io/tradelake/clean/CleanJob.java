package io.tradelake.clean;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import io.tradelake.config.Settings;
import io.tradelake.config.SettingsException;
import io.tradelake.config.SourceLayout;
import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.runtime.StageSqlConf;
import io.tradelake.table.BatchProgress;
import io.tradelake.table.FileLayout;
import io.tradelake.table.StageSettings;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bronze → silver (typed, converted, classified, deduplicated) and quarantine (each bad row, with its rule). */
public final class CleanJob implements Job {

  private static final Logger LOG = LoggerFactory.getLogger(CleanJob.class);
  public static final String NAME = "clean";
  static final String SILVER = "SILVER";
  static final String QUARANTINED = "QUARANTINED";
  static final String DUPLICATE = "DUPLICATE";
  /** Silver's and quarantine's appends are Delta transactions of these application ids, versioned by the last batch. */
  static final String SILVER_APP_ID = "tradelake-clean-silver";
  static final String QUARANTINE_APP_ID = "tradelake-clean-quarantine";
  /**
   * Where the labelled rows are kept for the counts and the two writes: on disk, not in the heap. At scale the
   * rows outgrow storage memory anyway, and held there they squeeze the deduplication's sort and the writes'
   * buffers (BENCHMARKS-HISTORY.md, "Clean's labelled rows kept on disk").
   */
  public static final StorageLevel LABELLED_ROWS_STORAGE = StorageLevel.DISK_ONLY();

  private final boolean rebuild;

  public CleanJob() {
    this(false);
  }

  /**
   * With {@code rebuild}, every bronze batch is cleaned again under this run's settings, and silver and
   * quarantine are replaced by the result (each in one Delta commit): the way to apply a changed setting to
   * all rows, which a run otherwise applies to new rows only, or refuses ({@link #checkSettings}).
   */
  public CleanJob(boolean rebuild) {
    this.rebuild = rebuild;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean needsPseudonymKey() {
    return true;
  }

  /**
   * Compares this run's settings with those silver's earlier batches were cleaned with (as clean_log last
   * recorded them). Rows in two currencies, from two reporting countries or time zones, or under two pseudonym
   * keys would not add up: the run stops before writing. Other changes (a channel pattern, a rule) apply to the
   * new rows only, which is said once, when they are first used.
   */
  public static void checkSettings(StageSettings now, StageSettings earlier) {
    checkFixedSettings(now, earlier, "its rows and new ones would not add up");
    List<String> changed = now.changedFrom(earlier);
    if (!changed.isEmpty()) {
      LOG.warn("clean: {} changed since silver's earlier batches were cleaned: they apply to the new rows only "
          + "(clean --rebuild applies them to all)", now.describeChanges(earlier, changed));
    }
  }

  /**
   * For a run that reads silver without cleaning (aggregate or model on their own): stops when this run's
   * currency, reporting country or time zone differ from those silver was cleaned with (clean_log's last range),
   * as clean itself would. Those stages take silver's values as they are, but the column comments of the
   * tables they write name this run's currency.
   */
  public static void checkSilverCleanedLike(JobContext ctx) {
    StageSettings.ofSilver(ctx.tables()).ifPresent(earlier -> checkReadUnder(ctx.settings(), earlier));
  }

  /** Stops when silver's rows, cleaned under {@code earlier}, would be read under other fixed settings. */
  private static void checkReadUnder(Settings s, StageSettings earlier) {
    checkFixedSettings(StageSettings.cleanWithoutKey(s, null), earlier, "its rows would be read as if they were in "
        + "these");
  }

  /** Stops when a setting silver's rows cannot be mixed or read under ({@link StageSettings#CLEAN_FIXED}) differs. */
  private static void checkFixedSettings(StageSettings now, StageSettings earlier, String why) {
    List<String> fixed = now.changedFrom(earlier).stream().filter(StageSettings.CLEAN_FIXED::contains).toList();
    if (!fixed.isEmpty()) {
      throw new SettingsException("silver_events was cleaned with other settings: "
          + now.describeChanges(earlier, fixed) + "; " + why + ". Run with the warehouse's settings, or clean all "
          + "of bronze again with these (clean --rebuild)");
    }
  }

  @Override
  public List<StageMetrics> run(JobContext ctx) {
    long start = System.currentTimeMillis();
    Settings s = ctx.settings();
    ctx.describe(NAME, "find new bronze batches");
    Dataset<Row> bronze = ctx.tables().readInput(Tables.BRONZE, "ingest");
    long available = BatchProgress.highestBatch(bronze);
    CleanPlan plan = CleanPlan.of(ctx, available, rebuild);
    BatchProgress.Range range = plan.range();
    boolean replace = plan.replace();
    if (range.isEmpty()) {
      // Nothing to clean, but the stages after it read silver under this run's settings: held to silver's.
      plan.last().ifPresent(l -> checkReadUnder(s, StageSettings.parse(l.settings())));
      LOG.info("clean: no new bronze batches since batch {}", range.from());
      return List.of(new StageMetrics(NAME, Tables.SILVER, 0, 0, 0, 0, Map.of(), System.currentTimeMillis() - start));
    }
    ctx.describe(NAME, "load reference data");
    Dataset<Row> rates = FxRates.load(ctx.spark(), s.fxRatesFile());
    FxRates.Contents fx = FxRates.contents(rates);
    List<String> currencies = fx.currencies();
    StageSettings settings = StageSettings.clean(s, fx.description());
    if (plan.joinsEarlierRows()) {
      plan.last().ifPresent(l -> checkSettings(settings, StageSettings.parse(l.settings())));
    }
    LOG.info("clean: bronze batches {} to {}{}", range.from() + 1, range.to(),
        replace ? ", replacing silver and quarantine" : "");
    BatchProgress progress = new BatchProgress(ctx, Tables.CLEAN_LOG, settings);
    progress.started(range);

    Dataset<Row> dailyRates = FxRates.daily(rates, s.fxMaxRateAgeDays());
    Dataset<Row> countries = CountryCodes.aliasFrame(ctx.spark(), s.countryAliases());

    ctx.describe(NAME, "count new bronze rows");
    Dataset<Row> fresh = bronze.where(col("line_kind").notEqual("HEADER")
        .and(col("ingest_batch").gt(range.from())).and(col("ingest_batch").leq(range.to())));
    long rowsIn = fresh.count();
    // Event ids silver already holds from earlier batches: a repeat is a duplicate or a conflict.
    Dataset<Row> known = !plan.silverLost() && !replace
        ? ctx.tables().read(Tables.SILVER).where(col("ingest_batch").leq(range.from()))
            .select(col("event_id").as("known_event_id"), col("content_hash").as("known_content_hash"))
        : null;
    boolean small = rowsIn <= JobContext.SMALL_BATCH_ROWS;
    if (known != null && small) {
      // A small batch (a day) broadcasts its own ids to pick silver's matching ones, so silver is scanned
      // but not shuffled: what is joined with the batch is then a handful of rows, not all of history.
      ctx.describe(NAME, "look up new event ids in silver");
      known = known.join(broadcast(fresh.select(EventTyper.blankToNull(col("event_id")).as("fresh_event_id"))),
          col("known_event_id").equalTo(col("fresh_event_id")), "left_semi").persist(StorageLevel.MEMORY_AND_DISK());
      LOG.info("clean: {} new events have ids silver already holds", known.count());
    }

    LocalDate runDate = ctx.startedAt().atZone(ZoneOffset.UTC).toLocalDate();
    // From here a small batch is its own few rows (and the known ones): no generated code for them.
    try (StageSqlConf few = ctx.smallData(small)) {
      Dataset<Row> labeled = forWrites(label(fresh, s, dailyRates, currencies, countries, runDate, known), ctx.runId(),
          new Pseudonymizer(s.pseudonymKey())).persist(LABELLED_ROWS_STORAGE);
      try {
        ctx.describe(NAME, "count outcomes by rule");
        Map<String, Long> ruleCounts = new TreeMap<>();
        Map<String, Long> toQuarantine = new TreeMap<>();
        Map<Integer, Long> toSilver = new TreeMap<>();
        long good = 0;
        long duplicates = 0;
        Column notInQuarantine = col("q.ingest_batch").gt(plan.quarantineHeld());
        Column notInSilver = col("s.ingest_batch").gt(plan.silverHeld());
        for (Row r : labeled.groupBy(col("outcome"), col("quarantine_rule"), col("s.event_year"), notInQuarantine,
            notInSilver).count().collectAsList()) {
          long n = r.getLong(5);
          switch (r.getString(0)) {
            case DUPLICATE -> duplicates += n;
            case QUARANTINED -> {
              ruleCounts.merge(r.getString(1), n, Long::sum);
              if (r.getBoolean(3)) {
                toQuarantine.merge(r.getString(1), n, Long::sum);
              }
            }
            default -> {
              good += n;
              if (r.getBoolean(4)) {
                toSilver.merge(r.isNullAt(2) ? null : r.getInt(2), n, Long::sum);
              }
            }
          }
        }
        long quarantined = ruleCounts.values().stream().mapToLong(Long::longValue).sum();
        ctx.describe(NAME, "write quarantine");
        Dataset<Row> quarantineRows = FileLayout.forPartitionedWrite(labeled
            .where(col("outcome").equalTo(QUARANTINED).and(notInQuarantine)).select("q.*"), "rule", toQuarantine,
            FileLayout.ROWS_PER_FILE, FileLayout.ROWS_IN_PLACE, "source_file", "line_number");
        expectWritten(write(ctx, quarantineRows, Tables.QUARANTINE, QUARANTINE_APP_ID, range, replace, "rule"),
            toQuarantine.values().stream().mapToLong(Long::longValue).sum(), Tables.QUARANTINE);
        // Each year's (each rule's) rows in files compaction would not rewrite: in place, or in tasks of their own.
        ctx.describe(NAME, "write silver");
        Dataset<Row> silverRows = FileLayout.forPartitionedWrite(labeled
            .where(col("outcome").equalTo(SILVER).and(notInSilver)).select("s.*"), "event_year", toSilver,
            FileLayout.ROWS_PER_FILE, FileLayout.ROWS_IN_PLACE, "event_id");
        expectWritten(write(ctx, silverRows, Tables.SILVER, SILVER_APP_ID, range, replace, "event_year"),
            toSilver.values().stream().mapToLong(Long::longValue).sum(), Tables.SILVER);
        if (replace && ctx.tables().exists(Tables.AGGREGATE_LOG)) {
          // The aggregate's cells were built from the replaced rows: its next run builds them from all of silver.
          // Before clean's range is marked done, so that a run stopped here replaces silver again and gets here.
          LOG.info("clean: silver replaced: aggregate builds its cells again from all of silver at its next run");
          new BatchProgress(ctx, Tables.AGGREGATE_LOG).reset();
        }
        progress.done(range);
        return List.of(new StageMetrics(NAME, Tables.SILVER, rowsIn, good, quarantined, duplicates, ruleCounts,
            System.currentTimeMillis() - start));
      } finally {
        labeled.unpersist();
        if (known != null) {
          known.unpersist();
        }
      }
    }
  }

  /**
   * Labelled rows as the two writes need them: outcome, rule, and the row's silver row ({@code s}) or
   * quarantine row ({@code q}), the other null. What is persisted then holds one row's worth of columns, not
   * the labelled row's three (raw text, typed, derived).
   */
  public static Dataset<Row> forWrites(Dataset<Row> labeled, String runId, Pseudonymizer ids) {
    return labeled.select(col("outcome"), col("quarantine_rule"),
        when(col("outcome").equalTo(SILVER), struct(silverColumns(runId, ids))).as("s"),
        when(col("outcome").equalTo(QUARANTINED), struct(quarantineColumns(runId, ids))).as("q"));
  }

  /**
   * Appends the range's rows under the table's Delta transaction, versioned by the range's last batch, or
   * replaces the table with them; returns the rows written (0 for an append an interrupted run had landed).
   */
  private static long write(JobContext ctx, Dataset<Row> rows, String table, String appId, BatchProgress.Range range,
      boolean replace, String partitionBy) {
    return replace ? ctx.tables().overwriteRecording(rows, table, appId, range.to(), partitionBy)
        : ctx.tables().appendOnce(rows, table, appId, range.to(), partitionBy);
  }

  /** A write either landed the rows counted, or was skipped because an interrupted run had landed them. */
  private static void expectWritten(long written, long expected, String table) {
    if (written != 0 && written != expected) {
      throw new IllegalStateException(table + ": wrote " + written + " rows, expected " + expected);
    }
    if (written == 0 && expected != 0) {
      LOG.info("clean: {} rows for {} were already written by an interrupted run", expected, table);
    }
  }

  /** Every bronze row with its outcome: SILVER, QUARANTINED (with the rule) or DUPLICATE. */
  public static Dataset<Row> label(Dataset<Row> bronze, Settings s, Dataset<Row> dailyRates, List<String> currencies,
      Dataset<Row> countries, LocalDate runDate, Dataset<Row> knownEvents) {
    return deduplicated(bronze, knownEvents)
        .transform(d -> EventTyper.type(d, s.layouts().values()))
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
   * Bronze rows with duplicates and conflicts marked, the first step of {@link #label}. Deduplication shuffles
   * every row: before it the raw line (kept in bronze) is reduced to the one flag a rule needs, and the typed
   * columns are derived after it, so the shuffled rows are bronze's minus the line.
   */
  public static Dataset<Row> deduplicated(Dataset<Row> bronze, Dataset<Row> knownEvents) {
    return bronze
        .withColumn("valid_utf8", is_valid_utf8(col("raw_line")))
        .drop("raw_line")
        .withColumn("event_id_t", EventTyper.blankToNull(col("event_id")))
        .transform(Deduplicator::mark)
        .transform(d -> knownEvents == null ? d : Deduplicator.againstKnown(d, knownEvents));
  }

  /**
   * The silver row: typed values, the value in the reporting currency, and lineage back to bronze. Buyer ids
   * are pseudonymised: raw ids stay in bronze.
   */
  public static Dataset<Row> silver(Dataset<Row> good, String runId, Pseudonymizer ids) {
    return good.select(silverColumns(runId, ids));
  }

  static Column[] silverColumns(String runId, Pseudonymizer ids) {
    Column priced = col("event_type_t").isin("ORDER", "REFUND");
    // Exact: quantity ≤ 999999 and price ≤ 999999999.9999 (the rules' bounds) make the local value a
    // decimal(20,4); times a decimal(16,10) rate that is decimal(37,14), within Spark's 38 digits, so the
    // product is rounded once, half up, to 4 places.
    Column localValue = col("quantity_t").cast("decimal(6,0)").multiply(col("unit_price_t").cast("decimal(13,4)"));
    return new Column[] {
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
        col("content_hash"),
        col("layout"),
        col("source_file"),
        col("line_number"),
        col("ingest_batch"),
        col("ingest_run_id"),
        lit(runId).as("clean_run_id")};
  }

  /**
   * The quarantine row: the rule, what was seen and where it came from. The raw line itself stays in bronze
   * (same source_file and line_number), because it carries the raw buyer id; here that id is pseudonymised.
   */
  public static Dataset<Row> quarantine(Dataset<Row> bad, String runId, Pseudonymizer ids) {
    return bad.select(quarantineColumns(runId, ids));
  }

  static Column[] quarantineColumns(String runId, Pseudonymizer ids) {
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
    cols.add(col("ingest_batch"));
    cols.add(col("ingest_run_id"));
    cols.add(lit(runId).as("clean_run_id"));
    return cols.toArray(Column[]::new);
  }
}
