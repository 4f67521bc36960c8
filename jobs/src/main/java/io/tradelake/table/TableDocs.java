package io.tradelake.table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * What every table holds and what each gold column means (unit, currency, definition): the one source of
 * the catalog's table and column comments and of {@code tradelake docs}. {@code {currency}} stands for the
 * reporting currency.
 */
public final class TableDocs {

  /** One table: what it is, and its documented columns. */
  public record TableDoc(String name, String layer, String comment, Map<String, String> columns) {}

  private static final Map<String, TableDoc> TABLES = new LinkedHashMap<>();

  private static final String PERIOD_TYPE = "Period granularity: year, half, quarter or month (partition column).";
  private static final String PERIOD = "Period label in the reporting time zone: 2019, 2019-H1, 2019-Q3 or 2019-07.";
  private static final String PERIOD_START = "First day of the period (date, reporting time zone).";
  private static final String INGEST_RUN_ID = "Run that read the line into bronze_events (run id: start time and a "
      + "random suffix).";
  private static final String INGEST_BATCH = "Ingest batch the line came in with: batches are numbered 1, 2, ... in "
      + "the order runs read them (lineage; clean and aggregate take new batches by it).";
  private static final String CLEAN_RUN_ID = "Run that cleaned the row (run id).";
  private static final String LAYOUT = "Source layout (conf/layouts.conf): the landing folder <input>/<layout>/ the "
      + "file came from.";
  private static final String SOURCE_FILE = "Absolute path of the raw file the line was read from.";
  private static final String SOURCE_DAY = "The day folder the raw file landed in (<input>/<layout>/<yyyy-mm-dd>/).";
  private static final String LINE_NUMBER = "1-based line number in the raw file (lineage: with source_file, finds "
      + "the raw line in bronze_events).";
  private static final String AS_TEXT = " (text as read, before typing)";
  /** The layouts' canonical fields as bronze and quarantine keep them, as text (buyer_id documented apart). */
  private static final Map<String, String> CANONICAL_AS_TEXT = columns(
      "event_id", "Event id" + AS_TEXT + ".",
      "order_id", "Order id" + AS_TEXT + ".",
      "event_type", "Event type mapped by the layout (ORDER, REFUND or CANCEL expected)" + AS_TEXT + ".",
      "event_time", "Event time" + AS_TEXT + ", read in the layout's time zone and patterns by clean.",
      "platform", "Platform or shop label as exported" + AS_TEXT + ".",
      "buyer_country", "Buyer's country as exported (name, alias or code)" + AS_TEXT + ".",
      "buyer_birth_year", "Buyer's birth year" + AS_TEXT + ".",
      "seller_country", "Seller's country as exported (name, alias or code)" + AS_TEXT + ".",
      "category", "Product category" + AS_TEXT + ".",
      "quantity", "Quantity" + AS_TEXT + ".",
      "unit_price", "Unit price in the event's currency" + AS_TEXT + ".",
      "currency", "Currency code of unit_price" + AS_TEXT + ".");

  private static final String SUPPRESSED = "True when the cell has fewer distinct buyers than privacy.min-buyers: "
      + "its measures are then null so that no small group of buyers can be singled out.";
  private static final String PSEUDONYM = "Pseudonymised buyer id (HMAC-SHA256 of the raw id, as in silver_events).";
  private static final String RUN_ID = "Run that wrote the row (run id: start time and a random suffix).";
  private static final String MARKET = "The foreign country (ISO 3166 alpha-2): the seller's country for IMPORT, the "
      + "buyer's for EXPORT.";
  private static final String CELL_PERIOD_MONTHS = "Months in the period (12, 6, 3 or 1): the step back to the "
      + "previous period of the same type.";
  private static final String CELL_PERIOD_YEAR = "Year the period lies in (partition column): a day's events touch "
      + "only their year's cells.";
  private static final String CELL_GROSS = "Gross merchandise value of the cell's orders, {currency}, unrounded "
      + "(4 decimals); cancelled orders excluded.";
  private static final String CELL_ORDERS = "Distinct orders (count) in the cell, cancelled orders excluded.";
  private static final String CELL_BUYERS = "Distinct buyers (count, by pseudonymised id) with an order in the cell.";
  private static final String CELL_FACT_ROWS = "Silver events counted in the cell: an increment that leaves a cell "
      + "without any removes it, as a rebuild would not make it.";
  private static final String PHASE = "STARTED before the stage wrote the range's rows, DONE after: a range left "
      + "STARTED is taken again by the next run (its writes are idempotent).";
  private static final String MARKED_AT = "When the phase was recorded (UTC).";
  private static final String CLUSTER = "Cluster number (0 to k - 1) of the model run named in model_runs; the "
      + "cluster's label and means are in its profiles table.";
  private static final String SIZE = "Members in the cluster (count).";
  private static final String TOP_MEMBERS = "The cluster's five largest members, largest first: ";
  private static final String TOP_VALUES = "The cluster's most frequent values of the buyer_features column named "
      + "after top_ (up to three, most members first).";
  private static final String LABEL = "The (at most three) features where the cluster's mean stands out most, more "
      + "than half a standard deviation from all members' (\"typical\" when none does).";

  /** market_features' columns: market_clusters repeats them, market_cluster_profiles averages them. */
  private static final Map<String, String> MARKET_FEATURES = columns(
      "market", MARKET,
      "direction", "IMPORT or EXPORT.",
      "log_gross_value", "ln(1 + gross_value).",
      "avg_half_yoy_pct", "Mean of the halves' yoy_pct (growth on the same half a year earlier), percent.",
      "latest_half_yoy_pct", "yoy_pct of the latest half in growth_by_market, percent; null without a base.",
      "latest_share_pct", "share_pct of the latest half: the market's share of its direction's gross value, "
          + "percent.",
      "refund_rate_pct", "refund_value as a percentage of gross_value, over all halves.",
      "gross_value", "Gross merchandise value over all halves, {currency}, 2 decimals (suppressed halves left "
          + "out).",
      "orders", "Orders over all halves (count; suppressed halves left out).",
      "avg_order_value", "gross_value / orders, {currency}, 2 decimals.",
      "latest_half_buyers", "Distinct buyers in the latest half (count).",
      "pct_<channel>", "The channel's share of the market's gross value in this direction over all data (orders "
          + "not cancelled), percent (0-100, 2 decimals), one column per configured channel: 0 when nobody bought "
          + "through the channel there; null when fewer than privacy.min-buyers buyers did, so that no small group "
          + "of buyers can be singled out.");

  /** buyer_features' columns: buyer_segments repeats some, buyer_cluster_profiles averages the model's. */
  private static final Map<String, String> BUYER_FEATURES = columns(
      "buyer_id", PSEUDONYM,
      "home_country", "The buyer's most frequent country on their orders, ISO 3166 alpha-2.",
      "direction", "The buyer's most frequent direction on their orders (IMPORT, EXPORT, DOMESTIC or FOREIGN).",
      "birth_year", "Birth year; null when never given.",
      "age", "Age at the last order (event year - birth year); null without a birth year.",
      "cohort", "Generation cohort of the birth year (the cohorts setting); null without a birth year.",
      "age_band", "Age band at the last order (the age-bands setting); null without a birth year.",
      "first_order_date", "Day of the first order (reporting time zone).",
      "last_order_date", "Day of the last order (reporting time zone).",
      "reference_date", "The last event date in silver_events: recency is measured to it, not to the wall clock, "
          + "so the same silver gives the same features.",
      "recency_days", "Days from last_order_date to reference_date.",
      "orders", "Orders placed (count), cancelled ones included.",
      "orders_cancelled", "Orders later cancelled (count).",
      "monetary_value", "Value of the orders not cancelled, {currency}, 2 decimals (refunds not deducted).",
      "avg_order_value", "monetary_value / orders not cancelled, {currency}, 2 decimals.",
      "avg_unit_price", "monetary_value / units of the orders not cancelled, {currency}, 2 decimals.",
      "relative_price", "exp(log_relative_price): the buyer's unit prices against each category's median in the "
          + "direction (2.0 = pays twice the typical price).",
      "log_relative_price", "Mean over the buyer's order lines of ln(unit price / category median), shrunk toward "
          + "0 by two pseudo-lines so that one line does not make a buyer extreme.",
      "lines_per_order", "Order lines per order (mean).",
      "units_per_line", "Units per order line (mean).",
      "multi_unit_line_pct", "Share of order lines with more than one unit, percent, shrunk toward everyone's by two "
          + "pseudo-lines.",
      "refund_rate_pct", "Share of orders with a refund, percent.",
      "cancel_rate_pct", "Share of orders cancelled, percent.",
      "festival_order_pct", "Share of orders placed on shopping festivals (6.18, 11.11, 12.12, Black Friday to "
          + "Cyber Monday), percent.",
      "active_days", "Distinct days with an order (count).",
      "pct_<channel>", "Share of the buyer's orders placed through the channel, percent (0-100, 2 decimals), one "
          + "column per configured channel.",
      "main_channel", "The channel of most of the buyer's orders.",
      "category_spend_pct", "Share of the buyer's spend (orders not cancelled) by product category, percent: a map "
          + "of category to percent; lines without a category under unknown.");

  static {
    add(Tables.INGEST_LOG, "log", "Raw files already ingested (path, size, modification time, lines, outcome, "
        + "batch): a file listed here is skipped by later runs, and one whose size or time changed is "
        + "quarantined.",
        columns(
            "file_path", "Absolute path of the raw file (source_file in bronze_events).",
            "layout", LAYOUT,
            "source_day", SOURCE_DAY,
            "size_bytes", "The file's size when read, bytes.",
            "modification_time", "The file's modification time when read (UTC).",
            "lines", "Lines read from the file into bronze_events (header and blank lines included); 0 for a "
                + "changed file.",
            "outcome", "read (every line went to bronze_events), truncated (a gzip file that breaks off: its lines "
                + "up to the break) or changed (changed since an earlier batch read it: only a finding went to "
                + "bronze_events).",
            "batch", INGEST_BATCH,
            "ingest_run_id", INGEST_RUN_ID,
            "ingested_at", "When the batch was read (UTC)."));
    add(Tables.BRONZE, "bronze", "Every raw line as read, with its source file, line number, layout and, when it "
        + "could not be parsed, why. Holds raw buyer ids: restrict access.",
        merged(columns(
            "ingest_run_id", INGEST_RUN_ID,
            "ingest_batch", INGEST_BATCH,
            "ingested_at", "When the batch was read (UTC).",
            "layout", LAYOUT,
            "source_file", SOURCE_FILE,
            "source_day", SOURCE_DAY,
            "line_number", "1-based line number in the raw file; a TRUNCATED or CHANGED_FILE row is numbered after "
                + "the file's last line read.",
            "line_kind", "DATA, HEADER or BLANK; or a finding about the file as a whole: TRUNCATED (a gzip file "
                + "that breaks off: this row stands for its lost rest) or CHANGED_FILE (changed since an earlier "
                + "batch read it).",
            "raw_line", "The line as read, without its line break.",
            "parse_error", "Why the line could not be split into the layout's columns; null when it could.",
            "buyer_id", "The buyer's raw id as exported (personal data: pseudonymised from silver on)."),
        CANONICAL_AS_TEXT));
    add(Tables.CLEAN_LOG, "log", "Bronze batches already turned into silver and quarantine.", progress("clean"));
    add(Tables.SILVER, "silver", "Typed, deduplicated events converted to the reporting currency ({currency}), "
        + "with ISO countries, channel, direction (IMPORT/EXPORT/DOMESTIC), market, buyer age band and cohort; "
        + "buyer ids pseudonymised (HMAC-SHA256).",
        columns(
            "event_id", "Event id, unique in the table (exact repeats removed; a repeat with other content is "
                + "quarantined as conflicting_duplicate).",
            "order_id", "Order the event belongs to: its ORDER, and any REFUND or CANCEL of it.",
            "event_type", "ORDER (a purchase), REFUND (money returned, dated by the refund) or CANCEL (the order "
                + "voided: it counts nowhere).",
            "event_time", "When the event happened (UTC instant).",
            "event_date", "Day of event_time in the reporting time zone (setting reporting-time-zone).",
            "event_year", "Year of event_date (partition column).",
            "platform", "Platform or shop label as exported.",
            "channel", "Channel of the platform label (the channels setting: cross-border platform, integrated "
                + "e-commerce platform, social e-commerce, ...).",
            "buyer_id", "Pseudonymised buyer id: HMAC-SHA256 of the raw id under the environment's key (64 hex "
                + "digits); null when the export had none (the row counts, but not as a distinct buyer).",
            "buyer_country", "Buyer's country, ISO 3166 alpha-2.",
            "buyer_birth_year", "Buyer's birth year; null when not given.",
            "buyer_age", "event year - birth year; null without a birth year.",
            "age_band", "Age band of buyer_age (the age-bands setting); null without a birth year.",
            "cohort", "Generation cohort of the birth year (the cohorts setting: post-90s, post-95s, ...); null "
                + "without a birth year.",
            "seller_country", "Seller's country, ISO 3166 alpha-2.",
            "direction", "Relative to the reporting country (setting reporting-country): IMPORT (buyer there, seller "
                + "abroad), EXPORT (seller there, buyer abroad), DOMESTIC (both there) or FOREIGN (neither).",
            "market", "The partner country, ISO 3166 alpha-2: the seller's for IMPORT, the buyer's for EXPORT.",
            "category", "Product category as exported.",
            "quantity", "Units (a positive whole number).",
            "unit_price", "Price of one unit in the event's own currency (4 decimals).",
            "currency", "ISO 4217 code of unit_price.",
            "fx_rate", "{currency} for one unit of currency, from the dated FX table (fx.rates-file): the rate in "
                + "force on event_date.",
            "reporting_value", "quantity x unit_price x fx_rate, {currency}, 4 decimals; null for CANCEL.",
            "content_hash", "Hash of the event's raw fields: two rows with one event id and the same hash are "
                + "exact repeats.",
            "layout", LAYOUT,
            "source_file", SOURCE_FILE,
            "line_number", LINE_NUMBER,
            "ingest_batch", INGEST_BATCH,
            "ingest_run_id", INGEST_RUN_ID,
            "clean_run_id", CLEAN_RUN_ID));
    add(Tables.QUARANTINE, "quarantine", "Rows that failed a quality rule, with the rule's name; nothing is "
        + "dropped silently.",
        merged(columns(
            "rule", "The first quality rule the row failed (partition column; README, quarantine, lists them in "
                + "the order they are checked).",
            "detail", "The offending value or why the rule failed, in a few words.",
            "stage", "Stage that quarantined the row (clean).",
            "layout", LAYOUT,
            "source_file", SOURCE_FILE,
            "source_day", SOURCE_DAY,
            "line_number", LINE_NUMBER,
            "buyer_id", "Pseudonymised buyer id (HMAC-SHA256 of the raw id, as in silver_events).",
            "ingest_batch", INGEST_BATCH,
            "ingest_run_id", INGEST_RUN_ID,
            "clean_run_id", CLEAN_RUN_ID),
        CANONICAL_AS_TEXT));
    add(Tables.AGGREGATE_LOG, "log", "Silver batches already folded into gold.", progress("aggregate"));
    add(Tables.GROWTH_CELLS, "intermediate", "growth_by_market before growth rates and suppression, with the "
        + "additive measures an increment updates, partitioned by year; internal, use growth_by_market.",
        columns(
            "period_type", PERIOD_TYPE,
            "period", PERIOD,
            "period_start", PERIOD_START,
            "period_months", CELL_PERIOD_MONTHS,
            "direction", "IMPORT, EXPORT or TOTAL (the two together); a direction of silver_events that is not "
                + "cross-border (DOMESTIC, FOREIGN) has cells of its own.",
            "market", MARKET + " ALL for every market of the direction.",
            "period_year", CELL_PERIOD_YEAR,
            "gross", CELL_GROSS,
            "refund", "Value refunded in the period (dated by the refund), {currency}, unrounded (4 decimals).",
            "orders", CELL_ORDERS,
            "buyers", CELL_BUYERS,
            "fact_rows", CELL_FACT_ROWS,
            "gross_value", "gross rounded to 2 decimals, as in growth_by_market.",
            "refund_value", "refund rounded to 2 decimals, as in growth_by_market.",
            "net_value", "gross_value - refund_value, {currency}, 2 decimals.",
            "share_pct", "The market's share of its direction's gross_value in the period, percent (2 decimals)."));
    add(Tables.YOUTH_CELLS, "intermediate", "youth_consumption_channel's additive measures before shares and "
        + "suppression, partitioned by year; internal, use youth_consumption_channel.",
        columns(
            "period_type", PERIOD_TYPE,
            "period", PERIOD,
            "period_start", PERIOD_START,
            "period_months", CELL_PERIOD_MONTHS,
            "cohort", "Generation cohort by birth year; ALL for every cohort.",
            "age_band", "Age at purchase band; ALL for every band.",
            "channel", "Sales channel from the platform label; ALL for the group's total.",
            "period_year", CELL_PERIOD_YEAR,
            "gross", CELL_GROSS,
            "buyers", CELL_BUYERS,
            "orders", CELL_ORDERS,
            "fact_rows", CELL_FACT_ROWS));
    add(Tables.GROWTH_BY_MARKET, "gold", "Cross-border retail value, orders and buyers per period, direction and "
        + "market, with each market's share of its direction and growth rates. Money in {currency}.",
        columns(
            "period_type", PERIOD_TYPE,
            "period", PERIOD,
            "period_start", PERIOD_START,
            "direction", "IMPORT (bought from abroad by buyers in the reporting country), EXPORT (sold abroad by "
                + "sellers in the reporting country), or TOTAL (IMPORT and EXPORT together).",
            "market", "The foreign country (ISO 3166 alpha-2): the seller's country for IMPORT, the buyer's for "
                + "EXPORT; ALL for every market of the direction.",
            "gross_value", "Gross merchandise value of orders, {currency}, 2 decimals: quantity x unit price "
                + "converted at the FX rate of the order day; cancelled orders excluded.",
            "refund_value", "Value refunded in the period, {currency}, 2 decimals, dated by the refund.",
            "net_value", "gross_value - refund_value, {currency}, 2 decimals.",
            "orders", "Distinct orders (count) with an ORDER event in the period, cancelled orders excluded.",
            "buyers", "Distinct buyers (count, by pseudonymised id) with an order in the period.",
            "share_pct", "This market's share of its direction's gross_value in the period, percent (0-100, "
                + "2 decimals); 100 for market ALL.",
            "yoy_pct", "Growth of gross_value on the same period a year earlier, percent (2 decimals); null "
                + "without a base.",
            "pop_pct", "Growth of gross_value on the previous period of the same type, percent (2 decimals); null "
                + "without a base.",
            "suppressed", SUPPRESSED));
    add(Tables.YOUTH_CHANNEL, "gold", "How young buyers (aggregate.youth: by default aged 18-35 at purchase, "
        + "IMPORT) split their spend and their use across channels, per period, cohort and age band. Money in "
        + "{currency}.",
        columns(
            "period_type", PERIOD_TYPE,
            "period", PERIOD,
            "period_start", PERIOD_START,
            "cohort", "Generation cohort by birth year (post-90s = 1990-1994, post-95s = 1995-1999, ...); ALL "
                + "for every cohort.",
            "age_band", "Age at purchase band (18-24, 25-29, 30-35, ...); ALL for every band.",
            "channel", "Sales channel from the platform label (cross_border_ecommerce_platform, social_ecommerce, "
                + "...); ALL is the group's total, against which shares are taken.",
            "buyers", "Distinct young buyers (count) with an order in the cell.",
            "orders", "Distinct orders (count) in the cell.",
            "gross_value", "Gross merchandise value of the cell's orders, {currency}, 2 decimals.",
            "value_share_pct", "The channel's share of the group's (channel ALL) gross_value, percent (0-100, "
                + "2 decimals).",
            "buyer_share_pct", "Share of the group's buyers who used the channel, percent (2 decimals); a buyer "
                + "may use several channels, so these may add up to more than 100.",
            "avg_order_value", "gross_value / orders, {currency}, 2 decimals.",
            "suppressed", SUPPRESSED));
    add(Tables.MARKET_FEATURES, "model", "Per market and direction, the growth profile the clustering uses "
        + "(from growth_by_market halves) and its channel mix (from silver_events).", MARKET_FEATURES);
    add(Tables.MARKET_CLUSTERS, "model", "Each market and direction with its cluster (model.markets.algorithm, k by "
        + "silhouette) of the latest model run.",
        merged(MARKET_FEATURES, columns(
            "cluster", CLUSTER,
            "run_id", RUN_ID)));
    add(Tables.MARKET_CLUSTER_PROFILES, "model", "Each cluster's size, mean features, label and largest members.",
        merged(means(MARKET_FEATURES, Tables.MARKET_FEATURES, "market", "direction"), columns(
            "cluster", CLUSTER,
            "size", SIZE,
            "top_members", TOP_MEMBERS + "market and direction, by gross_value.",
            "label", LABEL,
            "run_id", RUN_ID)));
    add(Tables.BUYER_FEATURES, "model", "Per pseudonymised buyer: recency, frequency, monetary value, refund and "
        + "cancel rates, channel mix, spend by category, cohort and age band (the buyer model's input).",
        BUYER_FEATURES);
    add(Tables.BUYER_SEGMENTS, "model", "Each clustered buyer (pseudonymised id) with its segment (cluster) from the "
        + "latest training or scoring run; join buyer_cluster_profiles on cluster for its label.",
        merged(BUYER_FEATURES, columns(
            "cluster", CLUSTER,
            "model_run_id", "Run that trained the model the buyer was assigned with (model_runs.run_id).",
            "run_id", "Run that assigned the buyer: the training run, or a model --score run.")));
    add(Tables.BUYER_CLUSTER_PROFILES, "model", "Each buyer segment's size, mean features in original units, top "
        + "channels, cohorts and home countries, and a label from the features that stand out.",
        merged(means(BUYER_FEATURES, Tables.BUYER_FEATURES, "buyer_id", "home_country",
            "direction", "birth_year", "age", "cohort", "age_band", "first_order_date", "last_order_date",
            "reference_date", "main_channel", "category_spend_pct"), columns(
            "cluster", CLUSTER,
            "size", SIZE,
            "top_members", TOP_MEMBERS + "pseudonymised buyer ids, by monetary_value.",
            "label", LABEL,
            "top_home_country", TOP_VALUES,
            "top_main_channel", TOP_VALUES,
            "top_cohort", TOP_VALUES,
            "top_age_band", TOP_VALUES,
            "run_id", RUN_ID)));
    add(Tables.MODEL_RUNS, "model", "One row per model training: k, seed, candidate silhouettes, where the model "
        + "is saved.",
        columns(
            "model", "Which model: market_growth (markets by growth profile) or buyer_segments (buyers by "
                + "behaviour).",
            "run_id", "Run that trained the model (run id).",
            "algorithm", "Clustering algorithm (kmeans, bisecting-kmeans or gaussian-mixture).",
            "k", "Clusters in the chosen model: the candidate with the highest silhouette, the smaller k on a tie.",
            "seed", "Random seed of the training.",
            "features", "Feature columns the model clusters on, in order.",
            "candidate_k", "Every k tried (model.<model>.k-min to k-max).",
            "candidate_silhouette", "Silhouette of each candidate k, in the order of candidate_k (higher is better).",
            "candidate_cost", "Cost of each candidate k: within-cluster sum of squares, or for a Gaussian mixture "
                + "the negative log-likelihood (for buyers, of the k search's sample when k_search_rows in params "
                + "is below training_rows).",
            "training_rows", "Rows the chosen model was trained on.",
            "model_path", "Where the fitted Spark ML PipelineModel is saved (<warehouse>/models/<model>/<run id>).",
            "trained_at", "When the model was saved (UTC).",
            "log_features", "Features the pipeline takes ln(1 + x) of before scaling.",
            "params", "Other settings of the training: k range, iterations, how k was chosen, the buyer "
                + "population, k_search_rows."));
    add(Tables.RUN_METRICS, "metrics", "The ledger of every stage of every run: rows_in = rows_out + "
        + "rows_quarantined + duplicates_removed, files and bytes written, duration.",
        columns(
            "run_id", "The run (start time and a random suffix), as its summary and log name it.",
            "stage", "ingest, clean, aggregate or model.",
            "table_name", "Table the row accounts for: the stage's main output, then the tables written beside it.",
            "rows_in", "Rows the stage took in for this table.",
            "rows_out", "Rows written.",
            "rows_quarantined", "Rows sent to quarantine.",
            "duplicates_removed", "Exact repeats of known events removed.",
            "balanced", "rows_in = rows_out + rows_quarantined + duplicates_removed.",
            "rule_counts", "Counts by quarantine rule, and details of the stage (files read, header lines, events "
                + "by type, cells recomputed, ...).",
            "duration_ms", "Time the stage took, milliseconds.",
            "files_read", "Raw files read (ingest).",
            "bytes_read", "Bytes of raw files read (ingest).",
            "files_written", "Data files the table's commits added.",
            "bytes_written", "Bytes of those files.",
            "run_started_at", "When the run started (UTC)."));
  }

  private final String currency;

  private TableDocs(String currency) {
    this.currency = currency;
  }

  /** The docs with money stated in {@code reportingCurrency}. */
  public static TableDocs inCurrency(String reportingCurrency) {
    return new TableDocs(reportingCurrency);
  }

  /** Every table TradeLake writes, in pipeline order. */
  public static List<String> tables() {
    return List.copyOf(TABLES.keySet());
  }

  public TableDoc table(String name) {
    TableDoc doc = TABLES.get(name);
    return doc == null ? null : new TableDoc(doc.name(), doc.layer(), fill(doc.comment()), fillAll(doc.columns()));
  }

  /**
   * The column's comment, or null when it is not documented. A documented name {@code prefix<name>} stands for
   * every column named {@code prefix} and something (one per configured channel, say).
   */
  public String column(String table, String column) {
    TableDoc doc = TABLES.get(table);
    if (doc == null) {
      return null;
    }
    String text = doc.columns().get(column);
    if (text == null) {
      text = doc.columns().entrySet().stream()
          .filter(e -> e.getKey().endsWith(">") && e.getKey().contains("<"))
          .filter(e -> {
            String prefix = e.getKey().substring(0, e.getKey().indexOf('<'));
            return column.startsWith(prefix) && column.length() > prefix.length();
          })
          .map(Map.Entry::getValue).findFirst().orElse(null);
    }
    return text == null ? null : fill(text).replace("{column}", column);
  }

  /** {@code rows} with each documented column's comment in its schema, so a write stores it with the data. */
  public Dataset<Row> annotate(String table, Dataset<Row> rows) {
    Dataset<Row> out = rows;
    for (StructField f : rows.schema().fields()) {
      String comment = column(table, f.name());
      if (comment != null && !comment.equals(f.getComment().getOrElse(() -> null))) {
        Column c = out.col(f.name());
        out = out.withColumn(f.name(), c.as(f.name(), f.withComment(comment).metadata()));
      }
    }
    return out;
  }

  private String fill(String text) {
    return text.replace("{currency}", currency);
  }

  private Map<String, String> fillAll(Map<String, String> columns) {
    Map<String, String> out = new LinkedHashMap<>();
    columns.forEach((k, v) -> out.put(k, fill(v)));
    return out;
  }

  private static void add(String name, String layer, String comment, Map<String, String> columns) {
    TABLES.put(name, new TableDoc(name, layer, comment, columns));
  }

  /** clean_log's and aggregate_log's columns: the ranges of ingest batches a stage took, and how far it got. */
  private static Map<String, String> progress(String stage) {
    return columns(
        "batch_from", "The highest ingest batch " + stage + " had taken before this range (the range is "
            + "batch_from + 1 to batch_to).",
        "batch_to", "The highest ingest batch of the range.",
        "phase", PHASE,
        "run_id", "Run that took the range (run id).",
        "at", MARKED_AT,
        "settings", "The settings the run's rows depend on, one key=value per line (" + stage + " compares its "
            + "own with the last recorded); null in ranges recorded before settings were.");
  }

  /**
   * A cluster profile's feature columns: each the mean of the features table's column of its name over the
   * cluster's members. Any numeric column of the features table may be a feature; the others are not.
   */
  private static Map<String, String> means(Map<String, String> features, String featuresTable, String... others) {
    Map<String, String> out = new LinkedHashMap<>();
    features.keySet().stream().filter(name -> !List.of(others).contains(name)).forEach(name -> out.put(name,
        "Mean of " + featuresTable + ".{column} over the cluster's members, in its own units (not logged, not "
            + "scaled)."));
    return out;
  }

  private static Map<String, String> merged(Map<String, String> first, Map<String, String> second) {
    Map<String, String> out = new LinkedHashMap<>(first);
    out.putAll(second);
    return out;
  }

  private static Map<String, String> columns(String... pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }
}
