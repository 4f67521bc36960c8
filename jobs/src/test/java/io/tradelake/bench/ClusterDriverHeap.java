package io.tradelake.bench;

import io.tradelake.cluster.LocalCluster;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.runtime.SparkSessions;
import io.tradelake.testing.Dirs;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;

/**
 * The driver's own memory, measured where it is alone in its JVM: the whole pipeline ({@code run}) on the
 * benchmark data with this JVM as the driver of a standalone cluster (scripts/local-cluster, one worker, its
 * executor in another JVM), at each size. The driver's live heap is sampled by a full collection every few
 * seconds (what it still holds, garbage excluded), beside the peak in use after the JVM's own collections. If
 * the driver kept anything per row, the live peak would grow with the events; the target is 10M / 1M ≤ 1.2.
 *
 * <p>Properties: {@code bench.sizes}, {@code bench.data} (the suite's cache: run the suite at a size first),
 * {@code bench.out} (BENCHMARKS.md: the block between its driver-heap markers is rewritten),
 * {@code bench.executorMemory} (default 4g), {@code bench.sampleSeconds} (default 5).
 */
public final class ClusterDriverHeap {

  static final String START = "<!-- driver-heap:start (written by ClusterDriverHeap) -->";
  static final String END = "<!-- driver-heap:end -->";
  static final Path PROJECT = Path.of(System.getProperty("tradelake.project.dir", "..")).toAbsolutePath().normalize();

  record Measured(long events, long executors, double runSeconds, double liveMb, double afterGcMb, int samples) {}

  private ClusterDriverHeap() {}

  public static void main(String[] args) throws Exception {
    List<Long> sizes = BenchmarkSuite.sizes();
    Path cache = Path.of(System.getProperty("bench.data", "target/bench-data"));
    Path report = Path.of(System.getProperty("bench.out", "../BENCHMARKS.md"));
    String executorMemory = System.getProperty("bench.executorMemory", "4g");
    int sampleSeconds = Integer.getInteger("bench.sampleSeconds", 5);
    Path jar = PROJECT.resolve("jobs/target/tradelake-jobs.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no " + jar + ": run after package");
    }
    List<Measured> all = new ArrayList<>();
    for (long events : sizes) {
      Path data = cache.resolve("events-" + events);
      if (!Files.exists(data.resolve("_truth/manifest.json"))) {
        throw new IllegalStateException("no generated data at " + data + ": run the benchmark suite at this size first");
      }
      all.add(measure(events, data, jar, executorMemory, sampleSeconds));
    }
    String previous = Files.exists(report) ? Files.readString(report) : "";
    Files.writeString(report, render(previous, all, executorMemory, sampleSeconds), StandardCharsets.UTF_8);
    System.out.println("bench: wrote " + report.toAbsolutePath());
  }

  static Measured measure(long events, Path data, Path jar, String executorMemory, int sampleSeconds)
      throws Exception {
    Path work = Files.createTempDirectory("bench-cluster");
    Path landing = work.resolve("landing");
    Path warehouse = work.resolve("warehouse");
    BenchmarkSuite.linkDays(data, landing, false);
    try (LocalCluster cluster = LocalCluster.start(PROJECT, work.resolve("cluster"), 1, cores(), "6g")) {
      Settings settings = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of(
          "spark.master=" + cluster.masterUrl(),
          "spark.jars=" + jar.toAbsolutePath(),
          "spark.executor.memory=" + executorMemory,
          "spark.executor.extraJavaOptions=-XX:-DontCompileHugeMethods -XX:Tier3DelayOn=0",
          "spark.cores.max=" + cores())));
      SparkSession spark = SparkSessions.create(settings);
      LiveHeapSampler sampler = new LiveHeapSampler(sampleSeconds);
      try {
        BenchmarkSuite.resetPeaks();
        sampler.start();
        long t = System.nanoTime();
        BenchmarkSuite.run(spark, landing, warehouse);
        double seconds = BenchmarkSuite.secs(t);
        sampler.stop();
        // The executors besides the driver that the run had: the work ran outside this JVM.
        long executors = spark.sparkContext().getExecutorMemoryStatus().size() - 1;
        Measured m = new Measured(events, executors, seconds, sampler.peakMb(), BenchmarkSuite.HEAP_AFTER_GC.peakMb(),
            sampler.samples());
        System.out.printf(Locale.ROOT, "bench %,d: cluster run %.1f s on %d executor(s); driver live heap peak %.0f MB "
            + "(%d samples), in use after GC peak %.0f MB%n", events, seconds, executors, m.liveMb(), m.samples(),
            m.afterGcMb());
        return m;
      } finally {
        sampler.stop();
        spark.stop();
      }
    } finally {
      Dirs.deleteRecursively(landing);
      Dirs.deleteRecursively(warehouse);
    }
  }

  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  static String render(String previous, List<Measured> all, String executorMemory, int sampleSeconds) {
    StringBuilder b = new StringBuilder(START).append("\n\n");
    b.append(String.format(Locale.ROOT, "Command: `mvn -B -Pbench verify -Dbench.main=%s -Dbench.sizes=%s` "
        + "(driver: this JVM, max heap %.1f GB; one worker, one executor of %d cores and %s; live heap sampled "
        + "every %d s)%n%n", ClusterDriverHeap.class.getName(),
        String.join(",", all.stream().map(m -> String.valueOf(m.events())).toList()),
        Runtime.getRuntime().maxMemory() / 1e9, cores(), executorMemory, sampleSeconds));
    b.append("| events | run, all stages (s) | executors | driver live heap, peak (MB) | driver heap in use after GC, peak (MB) |\n");
    b.append("| ---: | ---: | ---: | ---: | ---: |\n");
    for (Measured m : all) {
      b.append(String.format(Locale.ROOT, "| %,d | %.1f | %d | %.0f (%d samples) | %.0f |%n", m.events(),
          m.runSeconds(), m.executors(), m.liveMb(), m.samples(), m.afterGcMb()));
    }
    if (all.size() >= 2) {
      Measured small = all.get(0);
      Measured large = all.get(all.size() - 1);
      b.append(String.format(Locale.ROOT, "%nDriver live heap %,d / %,d events: %.2f (in use after GC: %.2f).%n",
          large.events(), small.events(), large.liveMb() / small.liveMb(), large.afterGcMb() / small.afterGcMb()));
    }
    b.append('\n').append(END);
    return Report.replaceBlock(previous, START, END, b.toString(),
        previous + "\n## Driver heap in a cluster run\n\n" + b + "\n");
  }

  /** Every few seconds a full collection, then the heap in use: the live set, whose peak is kept. */
  static final class LiveHeapSampler {
    private final long periodMillis;
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private Thread thread;

    LiveHeapSampler(int seconds) {
      this.periodMillis = seconds * 1000L;
    }

    void start() {
      thread = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            sample();
            Thread.sleep(periodMillis);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "live-heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void sample() {
      System.gc();
      peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
      samples.incrementAndGet();
    }

    void stop() throws InterruptedException {
      if (thread != null) {
        thread.interrupt();
        thread.join();
        thread = null;
        sample(); // the end state too
      }
    }

    double peakMb() {
      return peak.get() / 1e6;
    }

    int samples() {
      return (int) samples.get();
    }
  }
}
