package io.tradelake.bench;

import io.tradelake.aggregate.GrowthByMarket;
import io.tradelake.aggregate.SalesFacts;
import io.tradelake.aggregate.YouthConsumptionChannel;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.runtime.SparkSessions;
import io.tradelake.runtime.StageSqlConf;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The gold computations alone, on an existing warehouse's silver (persisted first), without Delta writes:
 * growth cells and the youth table, each run to a no-op sink, a few times, with the aggregate stage's Spark
 * settings. Silver and the facts are persisted first, unless {@code -Daggbench.fromDelta=true} (then each
 * computation reads silver from its Delta table, as the stage does). Not a test:
 * {@code java … io.tradelake.bench.AggregateBench <warehouse> [repeats [key=value …]]} (the values as
 * {@code --conf} flags give them).
 */
public final class AggregateBench {

  private AggregateBench() {}

  public static void main(String[] args) {
    List<String> overrides = new java.util.ArrayList<>(List.of("warehouse=" + args[0]));
    overrides.addAll(List.of(args).subList(Math.min(2, args.length), args.length));
    Settings settings = Settings.from(ConfigLoader.load("local", Optional.empty(), overrides));
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    SparkSession spark = SparkSessions.create(settings);
    if (Boolean.getBoolean("aggbench.stages")) {
      spark.sparkContext().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
        @Override
        public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted e) {
          System.out.println("aggbench:   " + SparkWork.stageLine(e.stageInfo()));
        }
      });
    }
    // As the aggregate stage runs: its own Spark settings (shuffle partitions) on top of the session's.
    try (var stage = StageSqlConf.apply(spark, settings.sparkFor("aggregate"))) {
      Dataset<Row> silver = spark.read().format("delta").load(args[0] + "/silver_events");
      // Cancels broadcast, as the stage does below SalesFacts.MAX_BROADCAST_CANCELS (the suite's data has fewer).
      Dataset<Row> facts = SalesFacts.from(silver, silver, true);
      if (!Boolean.getBoolean("aggbench.fromDelta")) {
        silver = silver.persist(StorageLevel.MEMORY_AND_DISK());
        System.out.printf("aggbench: silver rows %,d%n", silver.count());
        facts = SalesFacts.from(silver, silver, true).persist(StorageLevel.MEMORY_AND_DISK());
        System.out.printf("aggbench: facts rows %,d%n", facts.count());
      }
      for (int i = 0; i < repeats; i++) {
        time("growth cells", GrowthByMarket.cells(facts));
        time("youth", YouthConsumptionChannel.compute(facts, settings.youth()));
      }
    } finally {
      spark.stop();
    }
  }

  static void time(String what, Dataset<Row> ds) {
    long t = System.nanoTime();
    ds.write().format("noop").mode("overwrite").save();
    System.out.printf("aggbench: %-14s %.2f s%n", what, (System.nanoTime() - t) / 1e9);
  }
}
