package io.tradelake.cluster;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.cli.SessionLifecycle;
import io.tradelake.cli.TradeLake;
import io.tradelake.table.Tables;
import io.tradelake.testing.Dirs;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The application jar on a real standalone cluster (scripts/local-cluster: a master and two workers), submitted
 * as a user would, with only Spark's jars beside it, on the generator's data (the last six months of
 * data-sample/), with its warehouse on HDFS (an in-process MiniDFSCluster): the whole pipeline runs, model
 * training included, its tasks run in executors on both workers, and its gold equals a local run's row for row
 * (the submission compiles its generated code as production does; the local run in the test session interprets).
 * The submission (one one-core executor per worker) runs while this JVM makes the local run it is compared
 * with. Everything but what is tested here is left out to keep the test short on two cores: the local run stops
 * after the gold ({@code --until aggregate}), and no run registers tables in a catalog (CatalogTest's subject).
 * Runs after package (failsafe); everything it wrote stays in jobs/target/cluster-it for a look after a failure.
 */
@SparkTest
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkClusterIT {

  static final Path PROJECT = Path.of(System.getProperty("tradelake.project.dir", "..")).toAbsolutePath().normalize();
  static final Path WORK = PROJECT.resolve("jobs/target/cluster-it");
  static final Path SAMPLE = PROJECT.resolve("data-sample");
  /** The landing days of data-sample/ from this date on: half a year of events, a quarter of the sample's files. */
  static final String FIRST_DAY = "2020-01-01";
  static final Path INPUT = WORK.resolve("input");
  static final List<String> GOLD = List.of(Tables.GROWTH_BY_MARKET, Tables.YOUTH_CHANNEL);
  /** Fewer candidate k than the defaults: the same kind of training tasks in less time. */
  static final List<String> SMALL_MODELS = List.of("--conf", "model.markets.k-max=3", "--conf", "model.buyers.k-max=3");
  static final List<String> NO_CATALOG = List.of("--conf", "catalog.metastore=none");
  /** Short-lived JVMs on two cores: the quick JIT tier only and one GC thread. */
  static final String CHILD_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  /** How long a submission may still take once the local run is done; a busy machine may need more. */
  static final long TIMEOUT_MINUTES = Long.getLong("tradelake.cluster.timeoutMinutes", 10);

  SparkSession spark;
  LocalCluster cluster;
  MiniDFSCluster hdfs;
  String hdfsWarehouse;
  SparkSubmit.Submitted onHdfs;
  Map<String, List<String>> localGold;

  @BeforeAll
  void submitBothRunsAndRunLocally(SparkSession spark) throws Exception {
    this.spark = spark;
    cluster = LocalCluster.start(PROJECT, WORK.resolve("cluster")); // stops one a killed run left first
    for (String dir : List.of("input", "hdfs", "local-run", "hdfs-run")) {
      Dirs.deleteRecursively(WORK.resolve(dir));
    }
    copyDaysFrom(FIRST_DAY);

    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, WORK.resolve("hdfs").toString());
    conf.setBoolean("dfs.permissions.enabled", false);
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfsWarehouse = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/tradelake/warehouse";

    onHdfs = submitRun(WORK.resolve("hdfs-run"), hdfsWarehouse, SMALL_MODELS);

    Path warehouse = WORK.resolve("local-run/warehouse");
    List<String> local = new ArrayList<>(List.of("run", "--until", "aggregate", "--input", INPUT.toString(),
        "--warehouse", warehouse.toString()));
    local.addAll(NO_CATALOG);
    int exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute(local.toArray(String[]::new));
    assertThat(exit).as("local run").isZero();
    localGold = gold(warehouse.toString());
  }

  @AfterAll
  void stopEverything() throws Exception {
    try {
      if (onHdfs != null) {
        onHdfs.kill();
      }
      if (hdfs != null) {
        hdfs.shutdown();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /**
   * {@code tradelake run --env cluster} on the cluster, its event log in {@code dir/events}. conf/cluster.conf
   * sizes partitions for a real cluster; here two one-core executors want few. Two cores per application, one
   * executor per worker (standalone spreads an application over the workers).
   */
  SparkSubmit.Submitted submitRun(Path dir, String warehouse, List<String> extraArgs) throws IOException {
    Path events = Files.createDirectories(dir.resolve("events"));
    List<String> args = new ArrayList<>(List.of("run", "--env", "cluster", "--input", INPUT.toString(),
        "--warehouse", warehouse));
    args.addAll(NO_CATALOG);
    args.addAll(extraArgs);
    return new SparkSubmit(PROJECT, cluster.masterUrl(), CHILD_JVM_OPTIONS)
        .conf("spark.driver.host", "127.0.0.1")
        .conf("spark.driver.bindAddress", "127.0.0.1")
        .conf("spark.ui.enabled", "false")
        .conf("spark.cores.max", "2")
        .conf("spark.executor.cores", "1")
        .conf("spark.executor.memory", "1g")
        .conf("spark.executor.extraJavaOptions", CHILD_JVM_OPTIONS)
        .conf("spark.sql.shuffle.partitions", "4")
        .conf("spark.default.parallelism", "4")
        .conf("spark.databricks.delta.snapshotPartitions", "2")
        .conf("spark.sql.sources.parallelPartitionDiscovery.parallelism", "4")
        .conf("spark.eventLog.enabled", "true")
        .conf("spark.eventLog.dir", events.toUri().toString())
        .conf("spark.eventLog.compress", "false")
        .conf("spark.eventLog.rolling.enabled", "false")
        .start(dir.resolve("driver"), dir.resolve("run.log"), args);
  }

  static EventLog finished(SparkSubmit.Submitted run, Path events) throws Exception {
    assertThat(run.exitCode(TIMEOUT_MINUTES)).as("%s on the cluster; log %s:%n%s", run.what(), run.log(), run.tail())
        .isZero();
    return EventLog.read(events);
  }

  @Test
  void aRunWithItsWarehouseOnHdfsTrainsOnExecutorsAndWritesTheGoldOfALocalRun() throws Exception {
    EventLog events = finished(onHdfs, WORK.resolve("hdfs-run/events"));

    assertTasksRanOnExecutorsOfBothWorkers(events);
    // Model training (imputer, scaler, k-means, silhouette) runs as tasks on the executors.
    for (String model : List.of("markets", "buyers")) {
      String fit = "model: fit " + model + " k=";
      assertThat(events.executorsRunning(s -> s.description().startsWith(fit)))
          .as("%s fit tasks per executor: %s", model, events.taskCounts(s -> s.description().startsWith(fit)))
          .isNotEmpty().isSubsetOf(events.executors.keySet());
    }
    for (String table : List.of(Tables.GROWTH_BY_MARKET, Tables.YOUTH_CHANNEL, Tables.MARKET_CLUSTERS,
        Tables.BUYER_SEGMENTS, Tables.MODEL_RUNS)) {
      assertThat(hdfs.getFileSystem().exists(new org.apache.hadoop.fs.Path(
          "/tradelake/warehouse/" + table + "/_delta_log/00000000000000000000.json"))).as(table + " on HDFS").isTrue();
    }
    Tables tables = Tables.at(hdfsWarehouse, spark);
    for (Row run : tables.read(Tables.MODEL_RUNS).collectAsList()) { // two rows: markets and buyers
      String model = run.getAs("model_path");
      assertThat(model).startsWith(hdfsWarehouse + "/models/");
      assertThat(hdfs.getFileSystem().exists(new org.apache.hadoop.fs.Path(URI.create(model).getPath() + "/metadata")))
          .as("saved model " + model).isTrue();
    }
    assertSameGold(gold(hdfsWarehouse));
  }

  /** Every task ran in an executor (never the driver), and at least two executors, on two workers, ran tasks. */
  static void assertTasksRanOnExecutorsOfBothWorkers(EventLog events) {
    assertThat(events.executors).as("executors and their workers").doesNotContainKey("driver");
    assertThat(events.executorsRunning(s -> true)).as("tasks per executor: %s", events.taskCounts(s -> true))
        .hasSizeGreaterThanOrEqualTo(2).isSubsetOf(events.executors.keySet());
    Set<String> workers = new HashSet<>();
    events.executorsRunning(s -> true).forEach(id -> workers.add(events.executors.get(id)));
    assertThat(workers).as("workers of the executors that ran tasks: %s", events.executors)
        .hasSizeGreaterThanOrEqualTo(2);
  }

  Map<String, List<String>> gold(String warehouse) {
    Tables tables = Tables.at(warehouse, spark);
    return Map.of(GOLD.get(0), sorted(tables.read(GOLD.get(0))), GOLD.get(1), sorted(tables.read(GOLD.get(1))));
  }

  /** Row for row, order aside; a failure names the first rows that differ rather than printing thousands. */
  void assertSameGold(Map<String, List<String>> actual) {
    for (String table : GOLD) {
      List<String> expected = localGold.get(table);
      List<String> got = actual.get(table);
      assertThat(expected).as("%s of the local run", table).isNotEmpty();
      List<String> missing = new ArrayList<>(expected);
      missing.removeAll(Set.copyOf(got));
      List<String> extra = new ArrayList<>(got);
      extra.removeAll(Set.copyOf(expected));
      assertThat(got).withFailMessage("%s: %d rows, the local run %d; only local: %s; only here: %s", table,
          got.size(), expected.size(), head(missing), head(extra)).isEqualTo(expected);
    }
  }

  static List<String> head(List<String> rows) {
    return rows.subList(0, Math.min(10, rows.size()));
  }

  /** data-sample/'s landing days from {@code first} on, copied under INPUT in the same layout folders. */
  static void copyDaysFrom(String first) throws IOException {
    try (Stream<Path> files = Files.walk(SAMPLE)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path rel = SAMPLE.relativize(f);
        if (rel.getNameCount() == 3 && rel.getName(1).toString().compareTo(first) >= 0) {
          Files.createDirectories(INPUT.resolve(rel).getParent());
          Files.copy(f, INPUT.resolve(rel));
        }
      }
    }
  }
}
