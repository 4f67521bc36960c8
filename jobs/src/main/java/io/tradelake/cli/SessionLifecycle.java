package io.tradelake.cli;

import io.tradelake.config.Settings;
import io.tradelake.runtime.SparkSessions;
import org.apache.spark.sql.SparkSession;

/** How a command gets its session and gives it back: built and stopped per command, or shared (tests). */
public interface SessionLifecycle {

  SparkSession open(Settings settings);

  void close(SparkSession spark);

  /** A new session from the settings, stopped when the command ends. */
  static SessionLifecycle perCommand() {
    return new SessionLifecycle() {
      @Override
      public SparkSession open(Settings settings) {
        return SparkSessions.create(settings);
      }

      @Override
      public void close(SparkSession spark) {
        spark.stop();
      }
    };
  }

  /** An existing session, left running: for callers that own it. */
  static SessionLifecycle shared(SparkSession spark) {
    return new SessionLifecycle() {
      @Override
      public SparkSession open(Settings settings) {
        return spark;
      }

      @Override
      public void close(SparkSession ignored) {}
    };
  }
}
