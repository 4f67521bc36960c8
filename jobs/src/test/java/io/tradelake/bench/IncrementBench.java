package io.tradelake.bench;

import io.tradelake.cli.SessionLifecycle;
import io.tradelake.cli.TradeLake;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.runtime.SparkSessions;
import io.tradelake.testing.Dirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.SparkSession;

/**
 * One stage's increment alone, in a warm JVM, with its Spark jobs timed: {@code java … IncrementBench <warehouse>
 * <stage> [repeats [option …]]} (options passed to the stage's command, e.g. {@code --conf key=value}), where the warehouse has input the stage has not processed yet (e.g. after
 * {@code run --until clean} of a new day, for {@code aggregate}). Each repeat copies the warehouse, runs the
 * stage on the copy and prints its wall time and each Spark job's time and description ({@link #STAGES}: and each
 * stage's). Not a test.
 */
public final class IncrementBench {

  /** With {@code -Dincbench.stages=true}, each completed Spark stage too: its tasks, time and records. */
  private static final boolean STAGES = Boolean.getBoolean("incbench.stages");

  private IncrementBench() {}

  public static void main(String[] args) throws Exception {
    Path source = Path.of(args[0]);
    String stage = args[1];
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Settings settings = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of("warehouse=" + source)));
    SparkSession spark = SparkSessions.create(settings);
    Map<Integer, long[]> started = new ConcurrentHashMap<>();
    Map<Integer, String> described = new ConcurrentHashMap<>();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        started.put(e.jobId(), new long[] {e.time()});
        String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
        described.put(e.jobId(), d == null ? "" : d);
      }

      @Override
      public void onStageCompleted(SparkListenerStageCompleted e) {
        if (STAGES) {
          System.out.println("incbench:     " + SparkWork.stageLine(e.stageInfo()));
        }
      }

      @Override
      public void onJobEnd(SparkListenerJobEnd e) {
        long[] t = started.remove(e.jobId());
        if (t != null) {
          System.out.printf(Locale.ROOT, "incbench:   job %d %.2f s  %s%n", e.jobId(), (e.time() - t[0]) / 1e3,
              described.remove(e.jobId()));
        }
      }
    });
    try {
      for (int i = 0; i < repeats; i++) {
        Path copy = Files.createTempDirectory("incbench-");
        copy(source, copy);
        long t = System.nanoTime();
        List<String> command = new java.util.ArrayList<>(List.of(stage, "--warehouse", copy.toString()));
        command.addAll(List.of(args).subList(Math.min(3, args.length), args.length));
        int exit = TradeLake.commandLine(SessionLifecycle.shared(spark), new PrintStream(new ByteArrayOutputStream()))
            .execute(command.toArray(String[]::new));
        System.out.printf(Locale.ROOT, "incbench: %s pass %d: %.1f s (exit %d)%n", stage, i + 1,
            (System.nanoTime() - t) / 1e9, exit);
        Dirs.deleteRecursively(copy);
      }
    } finally {
      spark.stop();
    }
  }

  /** Copies a warehouse folder (files and folders, no links to follow). */
  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
