package io.tradelake.cluster;

import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.cli.SessionLifecycle;
import io.tradelake.cli.TradeLake;
import io.tradelake.table.Tables;
import io.tradelake.testing.SparkTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar on a real standalone cluster (scripts/local-cluster: a master and two one-core workers),
 * submitted as a user would, with only Spark's jars beside it: its tasks, model training included, run on
 * executors of both workers, and its gold equals a local run's row for row; likewise with the warehouse on
 * HDFS (an in-process MiniDFSCluster). Minutes on 2 cores: tagged {@code cluster}, run after package with
 * {@code mvn -B verify -Pcluster}.
 */
@SparkTest
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkClusterIT {

  static final Path PROJECT = Path.of(System.getProperty("tradelake.project.dir", "..")).toAbsolutePath().normalize();
  static final List<String> GOLD = List.of(Tables.GROWTH_BY_MARKET, Tables.YOUTH_CHANNEL);

  SparkSession spark;
  LocalCluster cluster;
  Path landing;
  Map<String, List<String>> localGold;

  @BeforeAll
  void generateOnTheClusterAndRunLocally(SparkSession spark, @TempDir Path dir) throws Exception {
    this.spark = spark;
    cluster = LocalCluster.start(PROJECT, PROJECT.resolve("jobs/target/local-cluster-it"));
    landing = dir.resolve("landing");
    Path log = dir.resolve("generate.log");
    // The generator is a Spark job too: its files are the same whatever runs it (seeded per day).
    assertThat(submit(null).run(dir.resolve("generate"), log, List.of("generate", "--env", "cluster",
        "--events", "20000", "--seed", "7", "--days-per-month", "2", "--output", landing.toString())))
        .as("generate on the cluster; log %s:%n%s", log, tail(log)).isZero();

    Path warehouse = dir.resolve("local-warehouse");
    int exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
        .execute("run", "--input", landing.toString(), "--warehouse", warehouse.toString());
    assertThat(exit).as("local run").isZero();
    localGold = gold(warehouse.toString());
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** spark-submit to the cluster, with settings for a small machine, and the event log in {@code events}. */
  SparkSubmit submit(Path events) {
    SparkSubmit s = new SparkSubmit(PROJECT, cluster.masterUrl())
        .conf("spark.driver.host", "127.0.0.1")
        .conf("spark.driver.bindAddress", "127.0.0.1")
        .conf("spark.ui.enabled", "false")
        .conf("spark.executor.memory", "1g")
        // conf/cluster.conf sizes these for a real cluster; two cores want few partitions.
        .conf("spark.sql.shuffle.partitions", "4")
        .conf("spark.databricks.delta.snapshotPartitions", "2")
        .conf("spark.sql.sources.parallelPartitionDiscovery.parallelism", "4");
    if (events != null) {
      s.conf("spark.eventLog.enabled", "true")
          .conf("spark.eventLog.dir", events.toUri().toString())
          .conf("spark.eventLog.compress", "false")
          .conf("spark.eventLog.rolling.enabled", "false");
    }
    return s;
  }

  /** {@code tradelake run --env cluster} on the cluster; returns its event log. */
  EventLog runOnCluster(String warehouse, Path dir) throws Exception {
    Path events = Files.createDirectories(dir.resolve("events"));
    Path log = dir.resolve("run.log");
    int exit = submit(events).run(dir.resolve("driver"), log,
        List.of("run", "--env", "cluster", "--input", landing.toString(), "--warehouse", warehouse));
    assertThat(exit).as("run on the cluster; log %s:%n%s", log, tail(log)).isZero();
    return EventLog.read(events);
  }

  @Test
  void aRunOnTwoWorkersTrainsOnExecutorsAndWritesTheGoldOfALocalRun(@TempDir Path dir) throws Exception {
    Path warehouse = dir.resolve("warehouse");
    EventLog events = runOnCluster(warehouse.toString(), dir);

    assertThat(events.executors).as("executors and their workers").hasSizeGreaterThanOrEqualTo(2)
        .doesNotContainKey("driver");
    assertThat(new HashSet<>(events.executors.values())).as("workers of %s", events.executors)
        .hasSizeGreaterThanOrEqualTo(2);
    assertThat(events.executorsRunning(s -> true)).as("tasks per executor: %s", events.taskCounts(s -> true))
        .hasSizeGreaterThanOrEqualTo(2).isSubsetOf(events.executors.keySet());
    assertThat(events.executorsRunning(s -> s.group().equals("tradelake-model")))
        .as("model tasks per executor: %s", events.taskCounts(s -> s.group().equals("tradelake-model")))
        .hasSizeGreaterThanOrEqualTo(2);
    // KMeans, the imputer, the scaler and the silhouette run as tasks on executors, never in the driver.
    assertThat(events.executorsRunning(s -> s.description().startsWith("model: fit k="))).isNotEmpty()
        .isSubsetOf(events.executors.keySet());

    assertSameGold(gold(warehouse.toString()));
  }

  @Test
  void aRunWithItsWarehouseOnHdfsWritesTheGoldOfALocalRun(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
    conf.setBoolean("dfs.permissions.enabled", false);
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    try {
      String warehouse = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/tradelake/warehouse";
      EventLog events = runOnCluster(warehouse, dir);

      assertThat(events.executorsRunning(s -> true)).hasSizeGreaterThanOrEqualTo(2);
      assertThat(hdfs.getFileSystem().exists(new org.apache.hadoop.fs.Path(
          "/tradelake/warehouse/" + Tables.GROWTH_BY_MARKET + "/_delta_log/00000000000000000000.json"))).isTrue();
      assertSameGold(gold(warehouse));
    } finally {
      hdfs.shutdown();
    }
  }

  Map<String, List<String>> gold(String warehouse) {
    Tables tables = Tables.at(warehouse, spark);
    return Map.of(GOLD.get(0), sorted(tables.read(GOLD.get(0))), GOLD.get(1), sorted(tables.read(GOLD.get(1))));
  }

  /** Row for row; a failure names the first rows that differ rather than printing thousands. */
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

  static String tail(Path log) throws Exception {
    if (!Files.exists(log)) {
      return "";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
