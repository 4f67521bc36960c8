package io.tradelake.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;

import io.tradelake.config.SourceLayout;
import io.tradelake.runtime.CrashPoints;
import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.runtime.StageSqlConf;
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
import org.apache.spark.storage.StorageLevel;
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
    LandingArea.Listing listing = LandingArea.forRun(ctx);
    listing.unplaced().forEach(u -> LOG.warn("ingest: skipping {}", u));
    listing.notes().forEach(n -> LOG.info("ingest: not reading {} (a note beside the raw files)", n));
    listing.settling().forEach(f -> LOG.info("ingest: {} was modified less than {} ago (ingest.min-file-age): "
        + "left for a later run", f.path(), ctx.settings().ingestMinFileAge().toSeconds() + " s"));
    IngestLog.Plan plan = IngestLog.plan(ctx, listing.files());
    plan.changed().forEach(f -> LOG.warn("ingest: {} changed since it was ingested; not read again, quarantined "
        + "as changed_file", f.path()));
    LOG.info("ingest: {} files listed, {} new, {} already ingested, {} changed", listing.files().size(),
        plan.fresh().size(), plan.seen().size(), plan.changed().size());
    BatchResult total = BatchResult.NONE;
    if (!plan.pending().isEmpty() || !plan.pendingChanged().isEmpty()) {
      LOG.warn("ingest: batch {} ({} files) was logged but never reached bronze (interrupted run): completing it",
          plan.lastBatch(), plan.pending().size() + plan.pendingChanged().size());
      total = total.plus(ingestBatch(ctx, plan.lastBatch(), plan.pending(), plan.pendingChanged(), false));
    }
    if (!plan.fresh().isEmpty() || !plan.changed().isEmpty()) {
      total = total.plus(ingestBatch(ctx, plan.lastBatch() + 1, plan.fresh(), plan.changed(), true));
    }
    return List.of(new StageMetrics(NAME, Tables.BRONZE, total.rowsIn, total.rowsOut, 0, 0, total.findings,
        System.currentTimeMillis() - start).withRead(total.files, total.bytes));
  }

  /** What batches did: rows found and written, raw files and bytes read, file findings by rule. */
  private record BatchResult(long rowsIn, long rowsOut, long files, long bytes, Map<String, Long> findings) {
    static final BatchResult NONE = new BatchResult(0, 0, 0, 0, Map.of());

    BatchResult plus(BatchResult o) {
      Map<String, Long> f = new TreeMap<>(findings);
      o.findings.forEach((k, v) -> f.merge(k, v, Long::sum));
      return new BatchResult(rowsIn + o.rowsIn, rowsOut + o.rowsOut, files + o.files, bytes + o.bytes, f);
    }
  }

  /**
   * One batch: check gzip files, count each file's lines, log the files (when new), then append their lines
   * and findings to bronze under Delta transaction (tradelake-ingest, batch), so a batch reaches bronze at
   * most once however often it is retried.
   */
  private BatchResult ingestBatch(JobContext ctx, long batch, List<RawFile> files, List<RawFile> changed,
      boolean log) {
    long rawBytes = files.stream().mapToLong(RawFile::size).sum();
    // A day's files are a few thousand lines: read, parsed and written without generated code.
    try (StageSqlConf few = ctx.smallData(rawBytes <= JobContext.SMALL_BATCH_RAW_BYTES)) {
      return ingestFiles(ctx, batch, files, rawBytes, changed, log);
    }
  }

  private BatchResult ingestFiles(JobContext ctx, long batch, List<RawFile> files, long rawBytes,
      List<RawFile> changed, boolean log) {
    Map<String, SourceLayout> layouts = ctx.settings().layouts();
    ctx.describe(NAME, "check gzip files of batch " + batch);
    Map<String, String> damaged = GzipIntegrity.damaged(ctx.spark(), files.stream().map(RawFile::path).toList());
    damaged.forEach((p, why) -> LOG.warn("ingest: {} is damaged ({}): its lines up to the break are read, the rest "
        + "is quarantined as truncated_file", p, why));

    ctx.describe(NAME, "read and count lines of batch " + batch + " (" + files.size() + " files)");
    Map<String, Long> linesByFile = new HashMap<>();
    long headerLines = 0;
    List<Dataset<Row>> parts = new ArrayList<>();
    List<Dataset<Row>> cached = new ArrayList<>();
    Map<String, List<RawFile>> byLayoutAndState = files.stream().collect(Collectors.groupingBy(
        f -> f.layout() + (damaged.containsKey(f.path()) ? "\tdamaged" : ""), TreeMap::new, Collectors.toList()));
    for (List<RawFile> group : byLayoutAndState.values()) {
      boolean broken = damaged.containsKey(group.get(0).path());
      // Read (and decompress) once: the lines are counted, then numbered, parsed and written from the cache.
      Dataset<Row> lines = RawLines.read(ctx.spark(), group.stream().map(RawFile::path).toList(), broken)
          .persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(lines);
      LayoutParser parser = new LayoutParser(layouts.get(group.get(0).layout()));
      // One row per file block: bounded by the number of files, not by their content.
      Dataset<Row> blockCounts = parser.markHeaders(RawLines.blocks(lines));
      List<Row> blockRows = blockCounts.collectAsList();
      for (Row r : blockRows) {
        linesByFile.merge(r.getString(0), r.getLong(2), Long::sum);
        headerLines += r.<Boolean>getAs("opens_with_header") ? 1 : 0;
      }
      Dataset<Row> blocks = ctx.spark().createDataFrame(blockRows, blockCounts.schema());
      parts.add(RawLines.numbered(lines, blocks).transform(parser::parse));
    }
    List<FileFindings.Finding> findings = new ArrayList<>();
    for (RawFile f : files) {
      if (damaged.containsKey(f.path())) {
        long read = linesByFile.getOrDefault(f.path(), 0L);
        findings.add(new FileFindings.Finding(f.path(), f.layout(), read + 1, FileFindings.TRUNCATED,
            "gzip stream breaks after line " + read + " (" + damaged.get(f.path()) + "); the rest is lost"));
      }
    }
    for (RawFile f : changed) {
      findings.add(new FileFindings.Finding(f.path(), f.layout(), 0, FileFindings.CHANGED_FILE,
          "changed after it was ingested: now " + f.size() + " bytes, modified "
              + java.time.Instant.ofEpochMilli(f.modificationTime()) + "; not read again"));
    }
    if (!findings.isEmpty()) {
      parts.add(FileFindings.rows(ctx.spark(), findings));
    }
    long lines = linesByFile.values().stream().mapToLong(Long::longValue).sum();
    if (log) {
      ctx.describe(NAME, "log batch " + batch);
      IngestLog.record(ctx, batch, files, linesByFile, damaged, changed);
      CrashPoints.reach("after-ingest-log");
    }
    ctx.describe(NAME, "write batch " + batch + " to bronze");
    long rowsOut = 0;
    try {
      if (!parts.isEmpty()) {
        Dataset<Row> bronze = parts.stream().reduce(Dataset::unionByName).orElseThrow()
            .transform(d -> withRunColumns(d, ctx.runId(), batch, Timestamp.from(ctx.startedAt())));
        int outputFiles = outputFiles(rawBytes, ctx.spark().sparkContext().defaultParallelism(),
            smallFileBytes(ctx));
        LOG.info("ingest: batch {} written as at most {} files", batch, outputFiles);
        bronze = bronze.coalesce(outputFiles);
        rowsOut = ctx.tables().appendOnce(bronze, Tables.BRONZE, IngestLog.APP_ID, batch);
      }
    } finally {
      cached.forEach(d -> d.unpersist(true));
    }
    Map<String, Long> byRule = new TreeMap<>();
    if (!damaged.isEmpty()) {
      byRule.put("truncated_file", (long) damaged.size());
    }
    if (!changed.isEmpty()) {
      byRule.put("changed_file", (long) changed.size());
    }
    if (headerLines > 0) {
      // Part of bronze's rows but no event: clean's rows_in is bronze's rows_out less these.
      byRule.put("header_lines", headerLines);
    }
    return new BatchResult(lines + findings.size(), rowsOut, files.size(), rawBytes, byRule);
  }

  /**
   * How many files a batch is written as: one per {@link #RAW_BYTES_PER_FILE} of raw input, and, for a smaller
   * batch, one per core while each file still ends above Delta's small-file size. Without the first a big
   * batch is written as one file per input split (144 at 10M events); without the second a batch of 140 MB
   * (1M events) was written as four files of 15-19 MB, three of them under the 16 MB threshold, which the
   * table's first auto compaction in the JVM then read and rewrote (5 s of a 23-49 s stage).
   */
  static int outputFiles(long rawBytes, int cores, long smallFileBytes) {
    long bySize = (rawBytes + RAW_BYTES_PER_FILE - 1) / RAW_BYTES_PER_FILE;
    // Each file's raw text makes about 1.5 small-file sizes of Parquet: room for coalesce's uneven splits.
    long rawPerFileAboveSmall = RAW_BYTES_PER_PARQUET_BYTE * Math.max(1, smallFileBytes) * 3 / 2;
    return (int) Math.max(bySize, Math.max(1, Math.min(cores, rawBytes / rawPerFileAboveSmall)));
  }

  /** Raw bytes per bronze file: about 128 MB of Parquet ({@link #RAW_BYTES_PER_PARQUET_BYTE}). */
  static final long RAW_BYTES_PER_FILE = 256L << 20;

  /** Raw text per byte of bronze Parquet (measured 2.1 at 1M and 2.05 at 10M events), rounded down. */
  static final long RAW_BYTES_PER_PARQUET_BYTE = 2;

  /** Delta's auto compaction rewrites files under this size (reference.conf sets it; Delta's own default). */
  static long smallFileBytes(JobContext ctx) {
    return Long.parseLong(ctx.spark().conf().get("spark.databricks.delta.autoCompact.minFileSize",
        String.valueOf(64L << 20)));
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
