package io.tradelake.model;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts the tasks of the Spark jobs whose description starts with a prefix (the pipeline names its steps
 * with {@code JobContext.describe}), and the bytes those tasks sent back to the driver as results.
 */
final class FitTaskListener extends SparkListener {

  private final String prefix;
  private final Map<Integer, Boolean> matchingStages = new ConcurrentHashMap<>();
  final AtomicLong tasks = new AtomicLong();
  final AtomicLong resultBytes = new AtomicLong();
  final AtomicLong maxTaskResultBytes = new AtomicLong();

  FitTaskListener(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public void onJobStart(SparkListenerJobStart job) {
    String description = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
    if (description != null && description.startsWith(prefix)) {
      for (Object id : scala.jdk.javaapi.CollectionConverters.asJava(job.stageIds())) {
        matchingStages.put((Integer) id, true);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd task) {
    if (matchingStages.containsKey(task.stageId()) && task.taskMetrics() != null) {
      tasks.incrementAndGet();
      long bytes = task.taskMetrics().resultSize();
      resultBytes.addAndGet(bytes);
      maxTaskResultBytes.accumulateAndGet(bytes, Math::max);
    }
  }
}
