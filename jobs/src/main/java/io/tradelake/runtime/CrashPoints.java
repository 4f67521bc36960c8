package io.tradelake.runtime;

import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * Fault injection for the crash-safety tests: with {@code -Dtradelake.crash-at=<point>} the JVM halts (as a
 * kill -9 would stop it: no finally blocks, no shutdown hooks) at that point. Inert otherwise.
 *
 * <p>Points: {@code after-ingest-log}, {@code after-<job>} (e.g. {@code after-clean}), and the mid-write points
 * {@code mid-bronze-write}, {@code mid-silver-write}, {@code mid-gold-write}, {@code mid-model-save}, which
 * halt when a task of that write finishes: files are half written and nothing is committed.
 */
public final class CrashPoints {

  public static final String PROPERTY = "tradelake.crash-at";
  public static final int EXIT_CODE = 86;
  static final Map<String, String> MID_WRITE_STEPS = Map.of(
      "mid-bronze-write", "ingest: write batch",
      "mid-silver-write", "clean: write silver",
      "mid-gold-write", "aggregate: write growth_by_market",
      "mid-model-save", "model: save model");

  private static volatile String currentStep = "";
  private static volatile boolean listening;

  private CrashPoints() {}

  /** Halts here when this is the configured point. */
  public static void reach(String point) {
    if (point.equals(System.getProperty(PROPERTY))) {
      halt(point);
    }
  }

  /** Records the step the driver is in; arms the mid-write listener on first use. */
  static void step(SparkSession spark, String step) {
    currentStep = step;
    String point = System.getProperty(PROPERTY);
    if (point != null && MID_WRITE_STEPS.containsKey(point) && !listening) {
      listening = true;
      String prefix = MID_WRITE_STEPS.get(point);
      spark.sparkContext().addSparkListener(new SparkListener() {
        @Override
        public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
          if (currentStep.startsWith(prefix)) {
            halt(point);
          }
        }
      });
    }
  }

  private static void halt(String point) {
    System.err.println("tradelake: crash injected at " + point);
    Runtime.getRuntime().halt(EXIT_CODE);
  }
}
