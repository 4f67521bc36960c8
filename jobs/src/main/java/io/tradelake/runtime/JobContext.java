package io.tradelake.runtime;

import io.tradelake.config.Settings;
import io.tradelake.table.Tables;
import java.time.Clock;
import java.time.Instant;
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

  public static JobContext create(SparkSession spark, Settings settings, String runId, Clock clock) {
    return new JobContext(spark, settings, Tables.at(settings.warehouse(), spark)
        .documentedWith(io.tradelake.table.TableDocs.inCurrency(settings.reportingCurrency())), runId, clock.instant());
  }

  /** Names the Spark work that follows, so the Spark UI reads like the pipeline. */
  public void describe(String stage, String step) {
    LOG.info("{}: {}", stage, step);
    CrashPoints.step(spark, stage + ": " + step);
    spark.sparkContext().setJobGroup("tradelake-" + stage, "tradelake " + stage + " (" + runId + ")", false);
    spark.sparkContext().setJobDescription(stage + ": " + step);
  }
}
