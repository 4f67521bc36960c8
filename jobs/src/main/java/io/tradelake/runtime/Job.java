package io.tradelake.runtime;

import java.util.List;

/** One pipeline stage: reads its input tables, transforms, writes, and reports its ledger per table. */
public interface Job {

  String name();

  List<StageMetrics> run(JobContext ctx);
}
