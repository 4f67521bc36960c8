package io.tradelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.Tables;
import io.tradelake.testing.Dirs;
import io.tradelake.testing.Rows;
import io.tradelake.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file reaches bronze exactly once: across reruns, new days, and a run interrupted between its commits. */
@SparkTest
class ExactlyOnceIngestTest {

  static final String HEADER = "event_id,order_no,kind,created_at,shop,customer_id,customer_country,birth_year,"
      + "merchant_country,category,qty,unit_price,ccy\n";

  static JobContext context(SparkSession spark, Path input, Path warehouse) {
    Settings s = Settings.from(ConfigLoader.load("local", Optional.empty(),
        List.of("input=" + input, "warehouse=" + warehouse)));
    return JobContext.create(spark, s, "test-" + System.nanoTime(), Clock.systemUTC());
  }

  static void day(Path input, String day, String... lines) throws Exception {
    Path dir = Files.createDirectories(input.resolve("shopline-csv").resolve(day));
    Files.writeString(dir.resolve("part.csv"), HEADER + String.join("\n", lines) + "\n");
  }

  static String line(String id) {
    return id + ",O" + id + ",order,2019-03-01 10:00:00,Tmall Global,B1,CN,1990,JP,food,1,100,JPY";
  }

  @Test
  void rerunsAndNewDaysAddOnlyNewFiles(SparkSession spark, @TempDir Path dir) throws Exception {
    Path input = dir.resolve("in");
    JobContext ctx = context(spark, input, dir.resolve("wh"));
    day(input, "2019-03-01", line("a"), line("b"));
    assertThat(new IngestJob().run(ctx).get(0).rowsOut()).isEqualTo(3);
    assertThat(new IngestJob().run(ctx).get(0).rowsIn()).isZero();
    day(input, "2019-03-02", line("c"));
    StageMetrics third = new IngestJob().run(ctx).get(0);
    assertThat(third.rowsIn()).isEqualTo(2);
    assertThat(Rows.sorted(ctx.tables().read(Tables.BRONZE).groupBy("ingest_batch").count()))
        .containsExactly("1|3", "2|2");
    assertThat(Rows.sorted(ctx.tables().read(Tables.INGEST_LOG), "batch", "lines"))
        .containsExactly("1|3", "2|2");
  }

  /** A file modified within ingest.min-file-age of the run's start waits; a run once it is older reads it. */
  @Test
  void aFileModifiedJustBeforeTheRunWaitsForALaterRun(SparkSession spark, @TempDir Path dir) throws Exception {
    Path input = dir.resolve("in");
    Settings s = Settings.from(ConfigLoader.load("local", Optional.empty(),
        List.of("input=" + input, "warehouse=" + dir.resolve("wh"), "ingest.min-file-age=10m")));
    day(input, "2019-03-01", line("a"));
    Instant modified = Instant.parse("2026-01-01T12:00:00Z");
    Files.setLastModifiedTime(input.resolve("shopline-csv/2019-03-01/part.csv"), FileTime.from(modified));

    JobContext soon = JobContext.create(spark, s, "soon", Clock.fixed(modified.plusSeconds(60), ZoneOffset.UTC));
    assertThat(new IngestJob().run(soon).get(0).rowsIn()).isZero();
    assertThat(soon.tables().exists(Tables.BRONZE)).isFalse();

    JobContext later = JobContext.create(spark, s, "later", Clock.fixed(modified.plusSeconds(600), ZoneOffset.UTC));
    assertThat(new IngestJob().run(later).get(0).rowsOut()).isEqualTo(2);
    assertThat(later.tables().read(Tables.BRONZE).count()).isEqualTo(2);
  }

  /**
   * Bronze deleted under a kept ingest log: a lost first batch is read again whole; after two batches the files
   * logged as read would be skipped, so ingest stops and says so instead of writing a bronze without them.
   */
  @Test
  void aLostBronzeIsReadAgainAfterOneBatchAndStopsIngestAfterMore(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path input = dir.resolve("in");
    JobContext ctx = context(spark, input, dir.resolve("wh"));
    day(input, "2019-03-01", line("a"), line("b"));
    new IngestJob().run(ctx);
    Dirs.deleteRecursively(Path.of(ctx.tables().path(Tables.BRONZE)));
    assertThat(new IngestJob().run(ctx).get(0).rowsOut()).isEqualTo(3);
    assertThat(Rows.sorted(ctx.tables().read(Tables.BRONZE).groupBy("ingest_batch").count())).containsExactly("1|3");

    day(input, "2019-03-02", line("c"));
    new IngestJob().run(ctx);
    Dirs.deleteRecursively(Path.of(ctx.tables().path(Tables.BRONZE)));
    day(input, "2019-03-03", line("d"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new IngestJob().run(ctx))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no bronze_events table at")
        .hasMessageContaining("ingest_log records batches 1 to 2 as read");
    assertThat(ctx.tables().exists(Tables.BRONZE)).isFalse();
  }

  @Test
  void aLostIngestLogStopsIngestRatherThanReadEveryFileAgain(SparkSession spark, @TempDir Path dir) throws Exception {
    Path input = dir.resolve("in");
    JobContext ctx = context(spark, input, dir.resolve("wh"));
    day(input, "2019-03-01", line("a"), line("b"));
    new IngestJob().run(ctx);
    Dirs.deleteRecursively(Path.of(ctx.tables().path(Tables.INGEST_LOG)));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new IngestJob().run(ctx))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no ingest_log table at")
        .hasMessageContaining("bronze_events holds ingested batches");
    assertThat(ctx.tables().read(Tables.BRONZE).count()).isEqualTo(3);
  }


  /**
   * What the listing leaves out, each with why: a stray file, an unknown layout, a folder that is not a day;
   * and notes (README, .md, .txt) beside the layouts, which are documentation, not raw files.
   */
  @Test
  void theListingSaysWhyItSkipsWhatIsNotALandedFile(SparkSession spark, @TempDir Path dir) throws Exception {
    Path input = dir.resolve("in");
    day(input, "2019-03-01", line("a"));
    Files.writeString(input.resolve("README.md"), "notes");
    Files.writeString(input.resolve("shopline-csv").resolve("2019-03-01").resolve("orders.csv._COPYING_"), "event_id");
    Files.writeString(input.resolve("orders.csv"), "order_id\n1\n");
    Files.writeString(input.resolve("shopline-csv").resolve("notes.txt"), "notes");
    Files.createDirectories(input.resolve("amazon-csv").resolve("2019-03-01"));
    Files.createDirectories(input.resolve("shopline-csv").resolve("march"));
    Files.createDirectories(input.resolve("_truth"));
    LandingArea.Listing listing = LandingArea.list(input.toString(), List.of("shopline-csv", "globalbuy-jsonl"),
        spark.sparkContext().hadoopConfiguration());
    // The file still being copied in is left for the run after its rename.
    assertThat(listing.files()).extracting(RawFile::layout).containsExactly("shopline-csv");
    assertThat(listing.notes()).hasSize(2).anySatisfy(n -> assertThat(n).endsWith("/README.md"))
        .anySatisfy(n -> assertThat(n).endsWith("shopline-csv/notes.txt"));
    assertThat(listing.unplaced()).hasSize(3).anySatisfy(u -> assertThat(u).endsWith(
        "orders.csv (a file at the landing root: raw files go under <layout>/<yyyy-mm-dd>/)"))
        .anySatisfy(u -> assertThat(u).endsWith(
            "amazon-csv (no layout named 'amazon-csv' is configured; known: globalbuy-jsonl, shopline-csv)"))
        .anySatisfy(u -> assertThat(u).endsWith("march (not a yyyy-mm-dd day folder)"));
  }

  @Test
  void aBatchLoggedButNeverWrittenIsCompletedOnceByTheNextRun(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path input = dir.resolve("in");
    JobContext ctx = context(spark, input, dir.resolve("wh"));
    day(input, "2019-03-01", line("a"), line("b"));
    // The interrupted run: its files were logged as batch 1, then the process died before bronze.
    List<RawFile> files = LandingArea.list(input.toString(), List.of("shopline-csv"),
        spark.sparkContext().hadoopConfiguration()).files();
    IngestLog.record(ctx, 1, files, Map.of(files.get(0).path(), 3L), Map.of(), List.of());
    day(input, "2019-03-02", line("c"));

    StageMetrics rerun = new IngestJob().run(ctx).get(0);
    assertThat(rerun.rowsIn()).isEqualTo(5);
    assertThat(rerun.rowsOut()).isEqualTo(5);
    assertThat(Rows.sorted(ctx.tables().read(Tables.BRONZE).groupBy("ingest_batch").count()))
        .containsExactly("1|3", "2|2");
    assertThat(new IngestJob().run(ctx).get(0).rowsIn()).isZero();
    assertThat(ctx.tables().read(Tables.BRONZE).count()).isEqualTo(5);
  }

  @Test
  void aLaterBatchLoggedButNeverWrittenIsCompletedWhenBronzeHoldsTheOneBefore(SparkSession spark,
      @TempDir Path dir) throws Exception {
    Path input = dir.resolve("in");
    JobContext ctx = context(spark, input, dir.resolve("wh"));
    day(input, "2019-03-01", line("a"));
    new IngestJob().run(ctx);
    // Bronze's transaction says batch 1 landed; batch 2 is logged, then the run dies before bronze.
    day(input, "2019-03-02", line("b"), line("c"));
    List<RawFile> day2 = LandingArea.list(input.toString(), List.of("shopline-csv"),
        spark.sparkContext().hadoopConfiguration()).files().stream().filter(f -> f.path().contains("03-02")).toList();
    IngestLog.record(ctx, 2, day2, Map.of(day2.get(0).path(), 3L), Map.of(), List.of());
    assertThat(ctx.tables().transactionVersion(Tables.BRONZE, IngestLog.APP_ID)).isEqualTo(1);

    StageMetrics rerun = new IngestJob().run(ctx).get(0);
    assertThat(rerun.rowsOut()).isEqualTo(3);
    assertThat(Rows.sorted(ctx.tables().read(Tables.BRONZE).groupBy("ingest_batch").count()))
        .containsExactly("1|2", "2|3");
    assertThat(ctx.tables().transactionVersion(Tables.BRONZE, IngestLog.APP_ID)).isEqualTo(2);
    assertThat(new IngestJob().run(ctx).get(0).rowsIn()).isZero();
  }

  @Test
  void aRetriedAppendWithTheSameTransactionIsSkipped(SparkSession spark, @TempDir Path dir) {
    Tables tables = Tables.at(dir.toString(), spark);
    var rows = Rows.strings(spark, "x", Rows.row("1"), Rows.row("2"));
    assertThat(tables.appendOnce(rows, "t", "app", 7)).isEqualTo(2);
    assertThat(tables.transactionVersion("t", "app")).isEqualTo(7);
    assertThat(tables.transactionVersion("t", "another-app")).isEqualTo(-1);
    assertThat(tables.appendOnce(rows, "t", "app", 7)).isZero();
    assertThat(tables.appendOnce(rows, "t", "app", 8)).isEqualTo(2);
    assertThat(tables.read("t").count()).isEqualTo(4);
  }

  @Test
  void aFileChangedAfterIngestionIsQuarantinedAsAWholeOnceNotReread(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path input = dir.resolve("in");
    JobContext ctx = context(spark, input, dir.resolve("wh"));
    day(input, "2019-03-01", line("a"));
    new IngestJob().run(ctx);
    day(input, "2019-03-01", line("a"), line("b"));
    StageMetrics again = new IngestJob().run(ctx).get(0);
    // Not re-read: one finding row stands for the changed file, for clean to quarantine as changed_file.
    assertThat(again.rowsIn()).isEqualTo(1);
    assertThat(again.rowsOut()).isEqualTo(1);
    assertThat(again.ruleCounts()).containsEntry("changed_file", 1L);
    assertThat(Rows.sorted(ctx.tables().read(Tables.BRONZE).groupBy("line_kind").count()))
        .containsExactly("CHANGED_FILE|1", "DATA|1", "HEADER|1");
    // The changed version is logged: the next run neither reads it nor reports it again.
    StageMetrics third = new IngestJob().run(ctx).get(0);
    assertThat(third.rowsIn()).isZero();
    assertThat(third.ruleCounts()).isEmpty();
  }
}
