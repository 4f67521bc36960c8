package io.tradelake.table;

import io.delta.tables.DeltaTable;
import io.tradelake.runtime.StageSqlConf;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;

/** The warehouse: where each Delta table lives, and the few ways TradeLake reads and writes them. */
public final class Tables {

  public static final String BRONZE = "bronze_events";
  public static final String INGEST_LOG = "ingest_log";
  public static final String SILVER = "silver_events";
  public static final String QUARANTINE = "quarantine";
  public static final String GROWTH_BY_MARKET = "growth_by_market";
  public static final String YOUTH_CHANNEL = "youth_consumption_channel";
  public static final String MARKET_FEATURES = "market_features";
  public static final String MARKET_CLUSTERS = "market_clusters";
  public static final String MARKET_CLUSTER_PROFILES = "market_cluster_profiles";
  public static final String MODEL_RUNS = "model_runs";
  /** Per pseudonymised buyer: recency, frequency, spend, basket, refunds, channel and category mix, cohort. */
  public static final String BUYER_FEATURES = "buyer_features";
  public static final String BUYER_SEGMENTS = "buyer_segments";
  public static final String BUYER_CLUSTER_PROFILES = "buyer_cluster_profiles";
  public static final String RUN_METRICS = "run_metrics";
  /** Which bronze batches clean has turned into silver and quarantine. */
  public static final String CLEAN_LOG = "clean_log";
  /** Which silver batches aggregate has folded into gold. */
  public static final String AGGREGATE_LOG = "aggregate_log";
  /** growth_by_market before growth rates: per-period cells, replaced year by year as data arrives. */
  public static final String GROWTH_CELLS = "growth_cells";
  public static final String YOUTH_CELLS = "youth_cells";

  /**
   * Columns Delta keeps min/max statistics of, for the two big tables (default: the first 32 columns): the
   * ones whose ranges differ between files (batches, dates, lineage), so a filter on them can skip files.
   * Statistics of the raw text and of random ids skip nothing, and collecting them took a fifth of the time of
   * a silver write; nor do silver's dimensions (event type, direction, market, channel), as a file's rows are
   * spread by a hash of the event id and every file holds every value. Set when a table is created; a table
   * created earlier keeps its own setting.
   */
  static final Map<String, String> STATS_COLUMNS = Map.of(
      BRONZE, "ingest_batch,ingested_at,layout,source_file,source_day,line_number,line_kind",
      SILVER, "ingest_batch,event_date,event_time,source_file,line_number");

  /**
   * The ledgers: small tables each run appends a file or two to (files ingested, batches cleaned and
   * aggregated, run metrics, model runs). Delta's auto compaction rewrites a table's small files after every
   * commit that adds one to a table holding two, which for a ledger is every append: an OPTIMIZE commit and
   * its Spark job each time, seven in a daily run, a second or more each in a new JVM. A ledger is written
   * without it and compacted by {@link #compactOnTenthCommit} every {@link #LEDGER_MAX_FILES} commits.
   */
  static final Set<String> LEDGERS = Set.of(INGEST_LOG, CLEAN_LOG, AGGREGATE_LOG, RUN_METRICS, MODEL_RUNS);
  /** Commits (and so files) between a ledger's compactions: reading ten small files costs next to nothing. */
  static final int LEDGER_MAX_FILES = 10;
  /**
   * Tables compacted like the ledgers. Quarantine is the ledgers' case per partition: a daily clean adds one small
   * file to each rule partition it lands rows in, and auto compaction rewrote those partitions on a JVM's first
   * write to each: 3 s of the quarantine write in a 1M daily run in a new JVM and 7 s in a 10M one, against
   * under a second in a warm JVM. Compacted every tenth commit, a rule holds at most ten small files.
   */
  static final Set<String> COMPACTED_EVERY_TENTH_COMMIT = Stream.concat(LEDGERS.stream(), Stream.of(QUARANTINE))
      .collect(Collectors.toUnmodifiableSet());
  static final String AUTO_COMPACT = "spark.databricks.delta.autoCompact.enabled";

  /** Files and bytes a stage's commits added to a table, from Delta's operation metrics. */
  public record Written(long files, long bytes) {
    Written plus(Written o) {
      return new Written(files + o.files, bytes + o.bytes);
    }
  }

  private final String root;
  private final SparkSession spark;
  // Column comments written with the data, so a table carries its documentation from its first commit.
  private TableDocs docs = TableDocs.inCurrency("CNY");
  // What this run's commits wrote, by table, since the last takeWritten(); the driver holds one entry per table.
  private final Map<String, Written> written = new TreeMap<>();

  private Tables(String root, SparkSession spark) {
    this.root = root;
    this.spark = spark;
  }

  /** A warehouse root; a path without a scheme is taken relative to the working directory. */
  public static Tables at(String warehouse, SparkSession spark) {
    return new Tables(absolute(warehouse), spark);
  }

  public static String absolute(String location) {
    URI uri = URI.create(location.replace(" ", "%20"));
    if (uri.getScheme() != null && uri.getScheme().length() > 1) {
      return location;
    }
    return Path.of(location).toAbsolutePath().normalize().toString();
  }

  public String root() {
    return root;
  }

  /** States money in the column comments in the run's reporting currency. */
  public Tables documentedWith(TableDocs tableDocs) {
    this.docs = tableDocs;
    return this;
  }

  public String path(String table) {
    return root + "/" + table;
  }

  /** Where the fitted models are saved, one folder per model and, in it, one per training run. */
  public String modelsRoot() {
    return root + "/models";
  }

  public String modelPath(String model, String runId) {
    return modelsRoot() + "/" + model + "/" + runId;
  }

  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, path(table));
  }

  public Dataset<Row> read(String table) {
    return spark.read().format("delta").load(path(table));
  }

  /**
   * {@link #read} of a stage's input table, which must exist: if not, the one-line cause names the table, where
   * it was looked for and the command that writes it.
   */
  public Dataset<Row> readInput(String table, String writtenBy) {
    if (!exists(table)) {
      throw new IllegalStateException("no " + table + " table at " + path(table) + ": run " + writtenBy + " first");
    }
    return read(table);
  }

  /** Replaces the table's content (and schema) in one Delta commit; returns the rows written. */
  public long overwrite(Dataset<Row> rows, String table, String... partitionBy) {
    long before = versionOrMinusOne(table);
    return save(overwriter(rows, table).partitionBy(partitionBy), table, before);
  }

  /** A writer replacing the table's content and schema, the columns' comments included. */
  private DataFrameWriter<Row> overwriter(Dataset<Row> rows, String table) {
    return delta(docs.annotate(table, rows), table).mode(SaveMode.Overwrite).option("overwriteSchema", "true");
  }

  /**
   * {@link #overwrite} that also records the Delta application transaction (appId, version), as
   * {@link #appendOnce} does, when it is newer than the table's: later appends and a lost ledger's recovery
   * then read the right version. A rerun of the same replacement writes it again, which changes nothing.
   */
  public long overwriteRecording(Dataset<Row> rows, String table, String appId, long version,
      String... partitionBy) {
    long before = versionOrMinusOne(table);
    DataFrameWriter<Row> writer = overwriter(rows, table);
    if (before < 0 || version > transactionVersion(table, appId)) {
      writer = writer.option("txnAppId", appId).option("txnVersion", version);
    }
    return save(writer.partitionBy(partitionBy), table, before);
  }

  /** Appends in one Delta commit; returns the rows written. */
  public long append(Dataset<Row> rows, String table, String... partitionBy) {
    long before = versionOrMinusOne(table);
    return save(delta(bornDocumented(rows, table, before), table).mode(SaveMode.Append).partitionBy(partitionBy),
        table, before);
  }

  /**
   * The first append creates the table with its columns' comments in its schema, as an overwrite writes them.
   * Later appends keep them (Delta merges the data's schema into the table's), so the catalog has no comment
   * to add one column at a time, each a commit of its own.
   */
  private Dataset<Row> bornDocumented(Dataset<Row> rows, String table, long versionBefore) {
    return versionBefore < 0 ? docs.annotate(table, rows) : rows;
  }

  /** Appends in one Delta commit, adding the rows' new columns to the table's schema; returns the rows written. */
  public long appendMergingSchema(Dataset<Row> rows, String table) {
    long before = versionOrMinusOne(table);
    return save(delta(bornDocumented(rows, table, before), table).mode(SaveMode.Append).option("mergeSchema", "true"),
        table, before);
  }

  /**
   * Appends under a Delta application transaction: a retry with the same (appId, version) is skipped by
   * Delta, so the rows land exactly once. Returns the rows written by this call (0 when skipped).
   */
  public long appendOnce(Dataset<Row> rows, String table, String appId, long version, String... partitionBy) {
    long before = versionOrMinusOne(table);
    return save(delta(bornDocumented(rows, table, before), table).mode(SaveMode.Append).partitionBy(partitionBy)
        .option("txnAppId", appId).option("txnVersion", version), table, before);
  }

  /**
   * Replaces the rows matching {@code predicate} (a SQL condition every new row must satisfy) in one Delta
   * commit; other rows are untouched. Creates the table when it does not exist. Returns the rows written.
   */
  public long replaceWhere(Dataset<Row> rows, String table, String predicate, String... partitionBy) {
    if (!exists(table)) {
      return overwrite(rows, table, partitionBy);
    }
    long before = versionOrMinusOne(table);
    return save(delta(rows, table).mode(SaveMode.Overwrite).option("replaceWhere", predicate), table, before);
  }

  /**
   * {@link #replaceWhere} under a Delta application transaction, as {@link #appendOnce}: a retry with the same
   * (appId, version) is skipped, so a replacement computed from the table's own rows (stored cells plus a
   * change) is applied once. Returns the rows written by this call (0 when skipped).
   */
  public long replaceWhereOnce(Dataset<Row> rows, String table, String predicate, String appId, long version,
      String... partitionBy) {
    long before = versionOrMinusOne(table);
    DataFrameWriter<Row> writer = delta(rows, table).mode(SaveMode.Overwrite).option("replaceWhere", predicate)
        .option("txnAppId", appId).option("txnVersion", version);
    return save(writer.partitionBy(partitionBy), table, before);
  }

  /** Writes one commit and records what it added; a ledger (and quarantine) without auto compaction (above). */
  private long save(DataFrameWriter<Row> writer, String table, long before) {
    if (!COMPACTED_EVERY_TENTH_COMMIT.contains(table)
        || !Boolean.parseBoolean(spark.conf().get(AUTO_COMPACT, "false"))) {
      writer.save(path(table));
      return recordCommits(table, before);
    }
    try (StageSqlConf noAutoCompaction = StageSqlConf.apply(spark, Map.of(AUTO_COMPACT, "false"))) {
      writer.save(path(table));
    }
    long rows = recordCommits(table, before);
    compactOnTenthCommit(table);
    return rows;
  }

  /**
   * Compacts a ledger into one file (each quarantine partition into one) on every {@link #LEDGER_MAX_FILES}th
   * commit. A ledger commit adds at most one file, a daily clean one to each quarantine partition it writes
   * to, so none holds more than that many small files. Decided on the version, which the commit just made
   * known: asking the snapshot for its file count costs about a second after a commit (Delta computes the
   * checksum then), more than the compaction it spares.
   */
  private void compactOnTenthCommit(String table) {
    long version = DeltaLog.forTable(spark, path(table)).unsafeVolatileSnapshot().version();
    if ((version + 1) % LEDGER_MAX_FILES == 0) {
      DeltaTable.forPath(spark, path(table)).optimize().executeCompaction();
    }
  }

  private static DataFrameWriter<Row> delta(Dataset<Row> rows, String table) {
    DataFrameWriter<Row> writer = rows.write().format("delta");
    String statsColumns = STATS_COLUMNS.get(table);
    return statsColumns == null ? writer : writer.option("delta.dataSkippingStatsColumns", statsColumns);
  }

  /** A table's Delta id, description and schema with the column comments, from its latest snapshot's metadata. */
  public record Described(String id, String description, StructType schema) {}

  /**
   * The table's description and schema, read from its Delta log's metadata: a few milliseconds, where
   * DESCRIBE DETAIL (which also counts the table's files) and resolving a DataFrame take a second or more.
   */
  public Described described(String table) {
    Snapshot snapshot = snapshot(table);
    return new Described(snapshot.metadata().id(), snapshot.metadata().description(), snapshot.metadata().schema());
  }

  // Delta's own log API, not DeltaTable.history(): history reads the commits in a Spark job and returns a
  // DataFrame, around a second for each of the two calls every write makes.
  private Snapshot snapshot(String table) {
    return DeltaLog.forTable(spark, path(table)).update(false, Option.empty(), Option.empty());
  }

  /**
   * The last version written under the Delta transaction {@code appId} ({@link #appendOnce}, {@link
   * #replaceWhereOnce}), from the snapshot's transactions: no Spark job. -1 when there is none (or it expired
   * under {@code delta.setTransactionRetentionDuration}).
   */
  public long transactionVersion(String table, String appId) {
    return snapshot(table).transactions().get(appId).map(v -> ((Number) v).longValue()).getOrElse(() -> -1L);
  }

  private long latestVersion(String table) {
    return snapshot(table).version();
  }

  /** Rows written by the table's latest data commit, from Delta's own operation metrics (no re-read of data). */
  public long lastCommitOutputRows(String table) {
    return commitsAfter(table, versionOrMinusOne(table) - 1)[0];
  }

  /** What the commits of this Tables wrote since the last call, by table; clears the record. */
  public Map<String, Written> takeWritten() {
    Map<String, Written> copy = Map.copyOf(written);
    written.clear();
    return copy;
  }

  private long versionOrMinusOne(String table) {
    return exists(table) ? latestVersion(table) : -1;
  }

  private long recordCommits(String table, long before) {
    long[] m = commitsAfter(table, before);
    written.merge(table, new Written(m[1], m[2]), Written::plus);
    return m[0];
  }

  /**
   * {rows, files, bytes} added by the table's commits after version {@code before}, leaving out the
   * compactions Delta's auto compaction may commit right after a write (they move rows, they add none).
   * A write Delta skipped (a transaction already applied) made no commit: all zero.
   */
  private long[] commitsAfter(String table, long before) {
    long[] m = new long[3];
    Iterator<Tuple2<Object, Seq<Action>>> commits = DeltaLog.forTable(spark, path(table))
        .getChanges(before + 1, Option.empty(), false);
    while (commits.hasNext()) {
      Iterator<Action> actions = commits.next()._2().iterator();
      while (actions.hasNext()) {
        if (actions.next() instanceof CommitInfo info && !"OPTIMIZE".equals(info.operation())
            && info.operationMetrics().isDefined()) {
          scala.collection.immutable.Map<String, String> metrics = info.operationMetrics().get();
          String[] names = {"numOutputRows", "numFiles", "numOutputBytes"};
          for (int i = 0; i < 3; i++) {
            Option<String> n = metrics.get(names[i]);
            m[i] += n.isDefined() ? Long.parseLong(n.get()) : 0L;
          }
        }
      }
    }
    return m;
  }
}
