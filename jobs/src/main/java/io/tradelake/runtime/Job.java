package io.tradelake.runtime;

import java.util.List;

/** One pipeline stage: reads its input tables, transforms, writes, and reports its ledger per table. */
public interface Job {

  String name();

  /** Checks what the job needs before anything is written (config, inputs). Cheap; may use the session. */
  default void validate(JobContext ctx) {}

  /** Whether the job pseudonymises buyer ids: a run with such a job needs the key before it starts. */
  default boolean needsPseudonymKey() {
    return false;
  }

  /**
   * Whether the job reads silver_events as clean wrote it (its values in the warehouse's currency and time
   * zone): run without clean, it is held to the settings silver was cleaned with.
   */
  default boolean readsSilver() {
    return false;
  }

  List<StageMetrics> run(JobContext ctx);
}
