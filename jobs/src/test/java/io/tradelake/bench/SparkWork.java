package io.tradelake.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.sql.SparkSession;

/**
 * Spark's own metrics of the work each pipeline stage ran, from its listener events: jobs, tasks, the tasks'
 * time (CPU and GC within it), shuffle and spill, per stage of the pipeline (the job group its jobs run in,
 * {@code tradelake-<stage>}, which Delta's own jobs inherit). Set against the stage's wall time on the cores
 * there are, the tasks' time says how much of the stage the executors were busy: little means a stage bound by
 * the driver (planning, Delta's snapshots and commits) and by per-job costs, much means bound by its tasks.
 */
final class SparkWork extends SparkListener {

  private static final String GROUP_PREFIX = "tradelake-";

  /** One pipeline stage's Spark work over a window of time. */
  static final class Totals {
    long jobs;
    long tasks;
    long runMs;
    long cpuMs;
    long gcMs;
    long shuffleWritten;
    long spilledToDisk;

    /**
     * {@code "12 jobs · 30 tasks · task time 4.1 s (CPU 3.0, GC 0.2) · 21 % of 2 cores' time · shuffle 0.1 MB
     * written · 0 MB spilled"}, the busy share against {@code wallSeconds} on {@code cores}.
     */
    String describe(double wallSeconds, int cores) {
      return String.format(Locale.ROOT,
          "%,d jobs · %,d tasks · task time %.1f s (CPU %.1f, GC %.1f) · %.0f %% of %d cores' time · shuffle %.1f MB "
              + "written · %.1f MB spilled to disk",
          jobs, tasks, runMs / 1e3, cpuMs / 1e3, gcMs / 1e3, 100 * runMs / 1e3 / (wallSeconds * cores), cores,
          shuffleWritten / 1e6, spilledToDisk / 1e6);
    }
  }

  private record Job(String group, long startMs) {}

  private record Done(String group, long submittedMs, long tasks, TaskMetrics metrics) {}

  private final Map<Integer, Job> jobOfStage = new ConcurrentHashMap<>();
  private final List<Job> jobs = Collections.synchronizedList(new ArrayList<>());
  private final List<Done> stages = Collections.synchronizedList(new ArrayList<>());

  /**
   * One completed Spark stage on a line, for the benches that print each: {@code "stage 174: 10 tasks, 2.33 s,
   * task time 3.50 s (CPU 3.44 s), records in 1,982,216, shuffle read 0, shuffle written 1,774,384 (62 MB)"}.
   */
  static String stageLine(StageInfo i) {
    TaskMetrics m = i.taskMetrics();
    long wallMs = (Long) i.completionTime().get() - (Long) i.submissionTime().get();
    return String.format(Locale.ROOT,
        "stage %d: %d tasks, %.2f s, task time %.2f s (CPU %.2f s), records in %,d, shuffle read %,d, "
            + "shuffle written %,d (%d MB)",
        i.stageId(), i.numTasks(), wallMs / 1e3, m.executorRunTime() / 1e3, m.executorCpuTime() / 1e9,
        m.inputMetrics().recordsRead(), m.shuffleReadMetrics().recordsRead(), m.shuffleWriteMetrics().recordsWritten(),
        m.shuffleWriteMetrics().bytesWritten() >> 20);
  }

  static SparkWork install(SparkSession spark) {
    SparkWork w = new SparkWork();
    spark.sparkContext().addSparkListener(w);
    return w;
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    Properties p = e.properties();
    String group = p == null ? null : p.getProperty("spark.jobGroup.id");
    String stage = group != null && group.startsWith(GROUP_PREFIX) ? group.substring(GROUP_PREFIX.length()) : "other";
    Job job = new Job(stage, e.time());
    jobs.add(job);
    scala.collection.Iterator<Object> ids = e.stageIds().iterator();
    while (ids.hasNext()) {
      jobOfStage.put((Integer) ids.next(), job);
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted e) {
    StageInfo i = e.stageInfo();
    Job job = jobOfStage.get(i.stageId());
    if (job != null && i.taskMetrics() != null) {
      stages.add(new Done(job.group(), job.startMs(), i.numTasks(), i.taskMetrics()));
    }
  }

  /**
   * The work per pipeline stage of the jobs started between {@code fromMs} and {@code toMs} (epoch ms), once the
   * listener has seen every event posted so far.
   */
  Map<String, Totals> between(SparkSession spark, long fromMs, long toMs)
      throws java.util.concurrent.TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    Map<String, Totals> out = new TreeMap<>();
    synchronized (jobs) {
      for (Job j : jobs) {
        if (j.startMs() >= fromMs && j.startMs() <= toMs) {
          out.computeIfAbsent(j.group(), g -> new Totals()).jobs++;
        }
      }
    }
    synchronized (stages) {
      for (Done d : stages) {
        if (d.submittedMs() < fromMs || d.submittedMs() > toMs) {
          continue;
        }
        Totals t = out.computeIfAbsent(d.group(), g -> new Totals());
        TaskMetrics m = d.metrics();
        t.tasks += d.tasks();
        t.runMs += m.executorRunTime();
        t.cpuMs += m.executorCpuTime() / 1_000_000;
        t.gcMs += m.jvmGCTime();
        t.shuffleWritten += m.shuffleWriteMetrics().bytesWritten();
        t.spilledToDisk += m.diskBytesSpilled();
      }
    }
    return out;
  }
}
