package io.tradelake.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;

import io.delta.tables.DeltaTable;
import io.tradelake.config.Settings;
import io.tradelake.table.Tables;
import io.tradelake.table.WarehouseLock;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Operations on a warehouse: what the last runs did, and keeping its tables' files in shape. */
final class OpsCommands {

  private OpsCommands() {}

  /** Every table TradeLake writes, in pipeline order. */
  static final List<String> ALL_TABLES = List.of(Tables.INGEST_LOG, Tables.BRONZE, Tables.CLEAN_LOG, Tables.SILVER,
      Tables.QUARANTINE, Tables.AGGREGATE_LOG, Tables.GROWTH_CELLS, Tables.YOUTH_CELLS, Tables.GROWTH_BY_MARKET,
      Tables.YOUTH_CHANNEL, Tables.MARKET_FEATURES, Tables.MARKET_CLUSTERS, Tables.MARKET_CLUSTER_PROFILES, Tables.MODEL_RUNS,
      Tables.RUN_METRICS);

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Print the ledger of the last runs on the warehouse (from run_metrics).")
  static final class Status implements Callable<Integer> {
    @Mixin JobOptions options = new JobOptions();
    @Option(names = "--runs", defaultValue = "5", description = "How many recent runs (default: ${DEFAULT-VALUE}).")
    int runs;
    final TradeLake root;

    Status(TradeLake root) {
      this.root = root;
    }

    @Override
    public Integer call() {
      Settings settings = PipelineRunner.settings(options);
      SparkSession spark = root.sessions().open(settings);
      try {
        Tables tables = Tables.at(settings.warehouse(), spark);
        if (!tables.exists(Tables.RUN_METRICS)) {
          root.out().println("no runs yet in " + tables.root());
          return 0;
        }
        List<Row> recent = tables.read(Tables.RUN_METRICS).groupBy("run_id")
            .agg(org.apache.spark.sql.functions.min("run_started_at").as("started"))
            .orderBy(desc("started")).limit(runs).collectAsList();
        root.out().printf("%-30s %-24s %-10s %-27s %10s %10s %10s %10s %8s%n", "run", "started (UTC)", "stage",
            "table", "rows_in", "rows_out", "quarant.", "dupes", "seconds");
        for (Row run : recent) {
          for (Row m : tables.read(Tables.RUN_METRICS).where(col("run_id").equalTo(run.getString(0)))
              .orderBy("run_started_at", "duration_ms").collectAsList()) {
            root.out().printf("%-30s %-24s %-10s %-27s %10d %10d %10d %10d %8.1f%s%n", m.getAs("run_id"),
                run.getTimestamp(1).toInstant(), m.getAs("stage"), m.getAs("table_name"), m.<Long>getAs("rows_in"),
                m.<Long>getAs("rows_out"), m.<Long>getAs("rows_quarantined"), m.<Long>getAs("duplicates_removed"),
                m.<Long>getAs("duration_ms") / 1000.0, m.<Boolean>getAs("balanced") ? "" : "  UNBALANCED");
          }
        }
        return 0;
      } finally {
        root.sessions().close(spark);
      }
    }
  }

  @Command(name = "maintain", mixinStandardHelpOptions = true,
      description = "Compact small files (OPTIMIZE) and remove files no table version needs (VACUUM).")
  static final class Maintain implements Callable<Integer> {
    /** Delta's own safety floor: readers and time travel of the last 7 days keep their files. */
    static final int MIN_RETAIN_HOURS = 168;

    @Mixin JobOptions options = new JobOptions();
    @Option(names = "--retain-hours", defaultValue = "168",
        description = "Keep files needed by table versions of the last N hours (at least 168; default: ${DEFAULT-VALUE}).")
    int retainHours;
    @Option(names = "--no-vacuum", description = "Only compact.")
    boolean noVacuum;
    final TradeLake root;

    Maintain(TradeLake root) {
      this.root = root;
    }

    @Override
    public Integer call() {
      if (retainHours < MIN_RETAIN_HOURS) {
        throw new IllegalArgumentException("--retain-hours must be at least " + MIN_RETAIN_HOURS
            + ": running readers and time travel need the files of the last 7 days");
      }
      Settings settings = PipelineRunner.settings(options);
      SparkSession spark = root.sessions().open(settings);
      Tables tables = Tables.at(settings.warehouse(), spark);
      try (WarehouseLock lock = WarehouseLock.acquire(tables.root(), "maintain",
          spark.sparkContext().hadoopConfiguration())) {
        root.out().printf("%-27s %12s %12s%n", "table", "files before", "files after");
        for (String table : ALL_TABLES) {
          if (!tables.exists(table)) {
            continue;
          }
          DeltaTable delta = DeltaTable.forPath(spark, tables.path(table));
          long before = files(delta);
          spark.sparkContext().setJobDescription("maintain: optimize " + table);
          delta.optimize().executeCompaction();
          if (!noVacuum) {
            spark.sparkContext().setJobDescription("maintain: vacuum " + table);
            delta.vacuum(retainHours);
          }
          root.out().printf("%-27s %12d %12d%n", table, before, files(delta));
        }
        return 0;
      } finally {
        root.sessions().close(spark);
      }
    }

    static long files(DeltaTable delta) {
      return delta.detail().select("numFiles").first().getLong(0);
    }
  }
}
