package io.tradelake.cli;

import com.sun.management.GcInfo;
import com.typesafe.config.Config;
import io.tradelake.clean.CleanJob;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.ConfigPrinter;
import io.tradelake.config.Settings;
import io.tradelake.runtime.CrashPoints;
import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.runtime.StageSqlConf;
import io.tradelake.table.RunMetricsTable;
import io.tradelake.table.ServeMarker;
import io.tradelake.table.Tables;
import io.tradelake.table.WarehouseLock;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs jobs in order: config, session, each job with its ledger recorded, the summary, the session stopped. */
final class PipelineRunner {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  /** Thrown when a stage's rows do not add up: the run's output cannot be trusted. */
  static final class LedgerException extends RuntimeException {
    LedgerException(String message) {
      super(message);
    }
  }

  private PipelineRunner() {}

  /** The settings of a command that writes: its effective configuration logged at INFO. */
  static Settings settings(JobOptions options) {
    return settings(options, true);
  }

  /**
   * The settings of a command that only reads the warehouse (status, sql, docs): its effective configuration
   * logged at DEBUG, so that a query's answer is not preceded by a page of settings.
   */
  static Settings readerSettings(JobOptions options) {
    return settings(options, false);
  }

  private static Settings settings(JobOptions options, boolean writes) {
    Config config = ConfigLoader.load(options.env, options.configFile(), options.allOverrides());
    Settings settings = Settings.from(config);
    if (writes) {
      LOG.info("effective configuration (env {}; tradelake config shows where each setting is set):\n{}",
          options.env, ConfigPrinter.render(config));
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("effective configuration (env {}):\n{}", options.env, ConfigPrinter.render(config));
    }
    return settings;
  }

  static int run(JobOptions options, List<Job> jobs, PrintStream out, SessionLifecycle sessions) {
    Settings settings = settings(options);
    requireSecrets(settings, jobs);
    SparkSession spark = sessions.open(settings);
    try {
      return runInSession(spark, settings, jobs, out);
    } finally {
      sessions.close(spark);
    }
  }

  /** Fails before the session starts when a job needs a secret the environment does not give. */
  private static void requireSecrets(Settings settings, List<Job> jobs) {
    if (jobs.stream().anyMatch(Job::needsPseudonymKey)) {
      settings.pseudonymKey();
    }
  }

  /** Waits between repeated runs; true when the process is asked to stop instead. */
  interface Pause {
    boolean stopRequested(Duration wait) throws InterruptedException;
  }

  /**
   * Runs the jobs on {@code schedule} in one session until {@code pause} reports a stop (or the schedule's
   * runs are done): each run finds what the one before left, as separate commands would, but in a JVM whose
   * compiled code and Delta table state are warm. A start that finds the warehouse locked by another run
   * is skipped; any other failure ends the process, as it would end a single run.
   */
  static int repeat(JobOptions options, Supplier<List<Job>> jobs, PrintStream out, SessionLifecycle sessions,
      RunSchedule schedule, Pause pause) throws InterruptedException {
    Settings settings = settings(options);
    requireSecrets(settings, jobs.get());
    try (ServeMarker metastore = Cataloging.holdEmbeddedMetastore(settings, "tradelake run --every")) {
      return repeatInSession(settings, jobs, out, sessions, schedule, pause);
    }
  }

  private static int repeatInSession(Settings settings, Supplier<List<Job>> jobs, PrintStream out,
      SessionLifecycle sessions, RunSchedule schedule, Pause pause) throws InterruptedException {
    SparkSession spark = sessions.open(settings);
    try {
      Instant first = Instant.now();
      for (int done = 1; ; done++) {
        try {
          runInSession(spark, settings, jobs.get(), out);
        } catch (WarehouseLock.BusyException busy) {
          LOG.warn("run {}: skipped: {}", done, busy.getMessage());
        }
        long heapMb = heapAfterLastCollection() >> 20;
        if (!schedule.another(done)) {
          LOG.info("run {} done; heap in use after the last collection {} MB; the last of {}", done, heapMb, done);
          return 0;
        }
        Instant next = schedule.nextStart(first, Instant.now());
        LOG.info("run {} done; heap in use after the last collection {} MB; next run at {}", done, heapMb, next);
        if (pause.stopRequested(Duration.between(Instant.now(), next))) {
          // Printed, not logged: the logging system may be shutting down with the JVM already.
          out.printf("stopped after %d runs%n", done);
          return 0;
        }
      }
    } finally {
      sessions.close(spark);
    }
  }

  /** Heap in use just after the JVM's latest collection (0 before the first): what a long-lived process keeps. */
  static long heapAfterLastCollection() {
    List<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).toList();
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .filter(b -> b instanceof com.sun.management.GarbageCollectorMXBean)
        .map(b -> ((com.sun.management.GarbageCollectorMXBean) b).getLastGcInfo())
        .filter(Objects::nonNull)
        .max(Comparator.comparingLong(GcInfo::getEndTime))
        .map(gc -> heapPools.stream().map(gc.getMemoryUsageAfterGc()::get).filter(Objects::nonNull)
            .mapToLong(MemoryUsage::getUsed).sum())
        .orElse(0L);
  }

  private static int runInSession(SparkSession spark, Settings settings, List<Job> jobs, PrintStream out) {
    Clock clock = Clock.systemUTC();
    String runId = RUN_ID.format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    long start = System.currentTimeMillis();
    JobContext ctx = JobContext.create(spark, settings, runId, clock);
    jobs.forEach(job -> job.validate(ctx));
    // With clean in the run, clean compares the settings (and stops before writing) for the stages after it,
    // also when it finds nothing to clean.
    boolean cleans = jobs.stream().anyMatch(j -> j.name().equals(CleanJob.NAME));
    boolean readsSilver = jobs.stream().anyMatch(Job::readsSilver);
    if (readsSilver && !cleans) {
      CleanJob.checkSilverCleanedLike(ctx);
    }
    try (WarehouseLock lock = WarehouseLock.acquire(ctx.tables().root(), runId,
        spark.sparkContext().hadoopConfiguration())) {
      int exit = runLocked(ctx, jobs, out, start);
      Cataloging.afterRun(spark, settings, cleans || readsSilver);
      return exit;
    }
  }

  private static int runLocked(JobContext ctx, List<Job> jobs, PrintStream out, long start) {
    List<StageMetrics> all = new ArrayList<>();
    for (Job job : jobs) {
      LOG.info("{}: starting (run {})", job.name(), ctx.runId());
      ctx.tables().takeWritten();
      List<StageMetrics> metrics;
      try (StageSqlConf own = StageSqlConf.apply(ctx.spark(), ctx.settings().sparkFor(job.name()))) {
        metrics = withWrites(job.run(ctx), ctx.tables().takeWritten());
      }
      RunMetricsTable.append(ctx, metrics);
      CrashPoints.reach("after-" + job.name());
      all.addAll(metrics);
      for (StageMetrics m : metrics) {
        LOG.info("{}: {} rows_in={} rows_out={} quarantined={} duplicates={} files_written={} bytes_written={} in {} ms",
            m.stage(), m.table(), m.rowsIn(), m.rowsOut(), m.rowsQuarantined(), m.duplicatesRemoved(),
            m.filesWritten(), m.bytesWritten(), m.durationMs());
        if (!m.balanced()) {
          throw new LedgerException(m.stage() + " " + m.table() + ": rows_in " + m.rowsIn()
              + " != rows_out + quarantined + duplicates");
        }
      }
    }
    RunSummary.print(out, ctx.runId(), ctx.tables().root(), all, System.currentTimeMillis() - start);
    return 0;
  }

  /**
   * Attaches what the stage's commits wrote to each table's metrics row; a table written without a row of
   * its own (quarantine, logs, intermediate tables) gets a row with an empty ledger, so no write goes
   * unaccounted.
   */
  static List<StageMetrics> withWrites(List<StageMetrics> metrics, Map<String, Tables.Written> written) {
    List<StageMetrics> out = new ArrayList<>();
    Map<String, Tables.Written> rest = new TreeMap<>(written);
    for (StageMetrics m : metrics) {
      Tables.Written w = rest.remove(m.table());
      out.add(w == null ? m : m.withWritten(w.files(), w.bytes()));
    }
    if (!metrics.isEmpty()) {
      StageMetrics first = metrics.get(0);
      rest.forEach((table, w) -> out.add(new StageMetrics(first.stage(), table, 0, 0, 0, 0, Map.of(), 0)
          .withWritten(w.files(), w.bytes())));
    }
    return out;
  }
}
