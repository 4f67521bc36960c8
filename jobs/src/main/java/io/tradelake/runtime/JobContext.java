package io.tradelake.runtime;

import io.tradelake.config.Settings;
import io.tradelake.table.Tables;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a job needs: the session, the settings, where the tables are, and the run it belongs to. */
public record JobContext(SparkSession spark, Settings settings, Tables tables, String runId, Instant startedAt) {

  private static final Logger LOG = LoggerFactory.getLogger(JobContext.class);
  /**
   * Up to this many new rows a batch is small (a day): a stage may broadcast its keys (≈ 10 MB of ids) to
   * look them up in a table's history, which is then scanned rather than shuffled.
   */
  public static final long SMALL_BATCH_ROWS = 200_000;
  /** Raw bytes of about {@link #SMALL_BATCH_ROWS} events (about 140 bytes a line). */
  public static final long SMALL_BATCH_RAW_BYTES = 32L << 20;

  public static JobContext create(SparkSession spark, Settings settings, String runId, Clock clock) {
    return new JobContext(spark, settings, Tables.at(settings.warehouse(), spark)
        .documentedWith(io.tradelake.table.TableDocs.inCurrency(settings.reportingCurrency())), runId, clock.instant());
  }

  /**
   * Sets {@code small-data.spark} (by default: expressions interpreted, no generated code) until closed, for work
   * on a few thousand rows. Compiling a plan's generated code takes longer than running it on so few rows, and a
   * daily run's JVM compiles every plan anew: the code is for work that scans history, not for a day's rows.
   */
  public StageSqlConf smallData() {
    return smallData(true);
  }

  /** {@link #smallData()} when {@code small}, else a scope that changes nothing. */
  public StageSqlConf smallData(boolean small) {
    return StageSqlConf.apply(spark, small ? settings.sparkFor(Settings.SMALL_DATA) : Map.of());
  }

  /** Names the Spark work that follows, so the Spark UI reads like the pipeline. */
  public void describe(String stage, String step) {
    LOG.info("{}: {}", stage, step);
    CrashPoints.step(spark, stage + ": " + step);
    spark.sparkContext().setJobGroup("tradelake-" + stage, "tradelake " + stage + " (" + runId + ")", false);
    spark.sparkContext().setJobDescription(stage + ": " + step);
  }
}
