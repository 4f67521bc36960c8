package io.tradelake.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.tradelake.config.Settings;
import io.tradelake.model.SavedModels;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.RunMetricsTable;
import io.tradelake.table.TableDocs;
import io.tradelake.table.Tables;
import io.tradelake.table.WarehouseLock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Operations on a warehouse: what the last runs did, and keeping its tables' files in shape. */
final class OpsCommands {

  private OpsCommands() {}

  /** Every table TradeLake writes, in pipeline order: the documented ones, so none is left out of maintain. */
  static final List<String> ALL_TABLES = TableDocs.tables();

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Print the ledger of the last runs on the warehouse (from run_metrics).",
          "Then what the next run would find to do: new raw files in the landing area (--input), and the "
              + "batches clean and aggregate have not taken yet."})
  static final class Status implements Callable<Integer> {
    @Mixin JobOptions options = new JobOptions();
    @Option(names = "--runs", defaultValue = "5",
        description = "How many recent runs (default: ${DEFAULT-VALUE}; 0: only what waits for the next run).")
    int runs;
    final TradeLake root;

    Status(TradeLake root) {
      this.root = root;
    }

    @Override
    public Integer call() {
      if (runs < 0) {
        throw new IllegalArgumentException("--runs must be 0 or more, not " + runs);
      }
      Settings settings = PipelineRunner.readerSettings(options);
      SparkSession spark = root.sessions().open(settings);
      try {
        JobContext ctx = JobContext.create(spark, settings, "status", Clock.systemUTC());
        Tables tables = ctx.tables();
        if (!tables.exists(Tables.RUN_METRICS)) {
          root.out().println("no runs yet in " + tables.root());
          PendingWork.print(root.out(), ctx);
          return 0;
        }
        List<Row> recent = tables.read(Tables.RUN_METRICS).groupBy("run_id")
            .agg(org.apache.spark.sql.functions.min("run_started_at").as("started"))
            .orderBy(desc("started")).limit(runs).collectAsList();
        for (Row run : recent) {
          root.out().printf("%nrun %s, started %s%n", run.getString(0),
              run.getTimestamp(1).toInstant().truncatedTo(ChronoUnit.SECONDS));
          List<StageMetrics> ledger = tables.read(Tables.RUN_METRICS).where(col("run_id").equalTo(run.getString(0)))
              // A file is read in order, within a task: its rows' ids rise in the order they were written.
              .withColumn("read_order", monotonically_increasing_id()).orderBy(inPipelineOrder())
              .collectAsList().stream().map(RunMetricsTable::metrics).toList();
          RunSummary.printLedger(root.out(), ledger);
        }
        PendingWork.print(root.out(), ctx);
        return 0;
      } finally {
        root.sessions().close(spark);
      }
    }
  }

  /**
   * The rows of a run as the run wrote them: stage by stage, and within a stage each commit's rows together
   * and in their order (a table with its ledger first, then the tables written beside it). Each stage's rows
   * are a commit of their own.
   */
  static Column[] inPipelineOrder() {
    // The stages in the order `run` takes them; a stage of another name after them.
    Column stage = lit(TradeLake.Run.Stage.values().length);
    for (TradeLake.Run.Stage s : TradeLake.Run.Stage.values()) {
      stage = when(col("stage").equalTo(s.name()), s.ordinal()).otherwise(stage);
    }
    return new Column[] {stage, col("_metadata.file_modification_time"), col("_metadata.file_name"),
        col("read_order")};
  }

  @Command(name = "maintain", mixinStandardHelpOptions = true,
      description = {"Compact small files (OPTIMIZE) and remove files no table version needs (VACUUM).",
          "Also removes saved models older than --retain-hours, but for the latest of each model and the one "
              + "buyer_segments names (model_runs keeps every fit's row)."})
  static final class Maintain implements Callable<Integer> {
    /** Delta's own safety floor: readers and time travel of the last 7 days keep their files. */
    static final int MIN_RETAIN_HOURS = 168;

    @Mixin JobOptions options = new JobOptions();
    @Option(names = "--retain-hours", defaultValue = "168",
        description = "Keep files needed by table versions of the last N hours (at least 168; default: ${DEFAULT-VALUE}).")
    int retainHours;
    @Option(names = "--no-vacuum", description = "Only compact (no VACUUM, no saved model removed).")
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
      try {
        List<String> present = ALL_TABLES.stream().filter(tables::exists).toList();
        if (present.isEmpty()) {
          // Nothing to lock either: a mistyped --warehouse is not created.
          root.out().println("no tables yet in " + tables.root());
          return 0;
        }
        try (WarehouseLock lock = WarehouseLock.acquire(tables.root(), "maintain",
            spark.sparkContext().hadoopConfiguration())) {
          root.out().printf("%-27s %12s %12s%n", "table", "files before", "files after");
          for (String table : present) {
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
          if (!noVacuum) {
            spark.sparkContext().setJobDescription("maintain: saved models");
            SavedModels.Pruned pruned = SavedModels.prune(spark, tables, Duration.ofHours(retainHours), Instant.now());
            root.out().printf("saved models: %d removed (older than %d hours, neither the latest of their model nor "
                + "the one buyer_segments names), %d kept%n", pruned.removed().size(), retainHours, pruned.kept());
          }
          return 0;
        }
      } finally {
        root.sessions().close(spark);
      }
    }

    static long files(DeltaTable delta) {
      return delta.detail().select("numFiles").first().getLong(0);
    }
  }
}
