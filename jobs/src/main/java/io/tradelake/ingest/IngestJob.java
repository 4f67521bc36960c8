package io.tradelake.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;

import io.tradelake.config.SourceLayout;
import io.tradelake.runtime.CrashPoints;
import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.Tables;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Raw files → bronze: every line of every new file, as read, with where it came from. */
public final class IngestJob implements Job {

  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);
  public static final String NAME = "ingest";

  @Override
  public String name() {
    return NAME;
  }

  /** Validates the layouts against Spark's analyser: cheap, and before anything is read or written. */
  public static void validateLayouts(JobContext ctx) {
    for (SourceLayout layout : ctx.settings().layouts().values()) {
      new LayoutParser(layout).validate(ctx.spark());
    }
  }

  @Override
  public void validate(JobContext ctx) {
    validateLayouts(ctx);
    LandingArea.requireRoot(Tables.absolute(ctx.settings().input()), ctx.spark().sparkContext().hadoopConfiguration());
  }

  @Override
  public List<StageMetrics> run(JobContext ctx) {
    long start = System.currentTimeMillis();
    ctx.describe(NAME, "list new files");
    Map<String, SourceLayout> layouts = ctx.settings().layouts();
    LandingArea.Listing listing = LandingArea.list(Tables.absolute(ctx.settings().input()), layouts.keySet(),
        ctx.spark().sparkContext().hadoopConfiguration());
    listing.unplaced().forEach(u -> LOG.warn("ingest: skipping {}", u));
    IngestLog.Plan plan = IngestLog.plan(ctx, listing.files());
    plan.changed().forEach(f -> LOG.warn("ingest: {} changed since it was ingested; not read again", f.path()));
    LOG.info("ingest: {} files listed, {} new, {} already ingested, {} changed", listing.files().size(),
        plan.fresh().size(), plan.seen().size(), plan.changed().size());
    Map<String, Long> ruleCounts = new TreeMap<>();
    if (!plan.changed().isEmpty()) {
      ruleCounts.put("changed_file_skipped", (long) plan.changed().size());
    }
    long[] inOut = {0, 0};
    if (!plan.pending().isEmpty()) {
      LOG.warn("ingest: batch {} ({} files) was logged but never reached bronze (interrupted run): completing it",
          plan.lastBatch(), plan.pending().size());
      add(inOut, ingestBatch(ctx, plan.lastBatch(), plan.pending(), false));
    }
    if (!plan.fresh().isEmpty()) {
      add(inOut, ingestBatch(ctx, plan.lastBatch() + 1, plan.fresh(), true));
    }
    return List.of(new StageMetrics(NAME, Tables.BRONZE, inOut[0], inOut[1], 0, 0, ruleCounts,
        System.currentTimeMillis() - start));
  }

  private static void add(long[] total, long[] part) {
    total[0] += part[0];
    total[1] += part[1];
  }

  /**
   * One batch: count each file's lines, log the files (when new), then append their lines to bronze under
   * Delta transaction (tradelake-ingest, batch), so a batch reaches bronze at most once however often it
   * is retried. Returns {lines read, rows written}.
   */
  private long[] ingestBatch(JobContext ctx, long batch, List<RawFile> files, boolean log) {
    Map<String, SourceLayout> layouts = ctx.settings().layouts();
    Map<String, List<String>> pathsByLayout = files.stream().collect(Collectors.groupingBy(
        RawFile::layout, TreeMap::new, Collectors.mapping(RawFile::path, Collectors.toList())));

    ctx.describe(NAME, "count lines of batch " + batch + " (" + files.size() + " files)");
    Map<String, Long> linesByFile = new HashMap<>();
    List<Dataset<Row>> parts = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : pathsByLayout.entrySet()) {
      Dataset<Row> lines = RawLines.read(ctx.spark(), e.getValue());
      for (Row r : lines.groupBy("file_path").count().collectAsList()) {
        linesByFile.put(r.getString(0), r.getLong(1));
      }
      LayoutParser parser = new LayoutParser(layouts.get(e.getKey()));
      parts.add(lines.transform(RawLines::numbered).transform(parser::parse));
    }
    long rowsIn = linesByFile.values().stream().mapToLong(Long::longValue).sum();
    if (log) {
      ctx.describe(NAME, "log batch " + batch);
      IngestLog.record(ctx, batch, files, linesByFile);
      CrashPoints.reach("after-ingest-log");
    }
    ctx.describe(NAME, "write batch " + batch + " to bronze");
    Dataset<Row> bronze = parts.stream().reduce(Dataset::unionByName).orElseThrow()
        .transform(d -> withRunColumns(d, ctx.runId(), batch, Timestamp.from(ctx.startedAt())));
    long rowsOut = ctx.tables().appendOnce(bronze, Tables.BRONZE, "tradelake-ingest", batch);
    return new long[] {rowsIn, rowsOut};
  }

  /** Adds the run's identity and the day folder the file was landed in. */
  static Dataset<Row> withRunColumns(Dataset<Row> parsed, String runId, long batch, Timestamp ingestedAt) {
    List<Column> cols = new ArrayList<>(List.of(
        lit(runId).as("ingest_run_id"),
        lit(batch).as("ingest_batch"),
        lit(ingestedAt).as("ingested_at"),
        col("layout"),
        col("source_file"),
        regexp_extract(col("source_file"), "/(\\d{4}-\\d{2}-\\d{2})/[^/]+$", 1).cast("date").as("source_day"),
        col("line_number"),
        col("line_kind"),
        col("raw_line"),
        col("parse_error")));
    SourceLayout.CANONICAL_FIELDS.forEach(f -> cols.add(col(f)));
    return parsed.select(cols.toArray(Column[]::new));
  }
}
