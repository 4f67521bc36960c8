package io.tradelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputFilesTest {

  private static final long SHARE = IngestJob.RAW_BYTES_PER_FILE;
  private static final long SMALL = 16L << 20;

  @Test
  void aDaysBatchIsOneFile() {
    assertThat(IngestJob.outputFiles(200_000, 2, SMALL)).isEqualTo(1);
    assertThat(IngestJob.outputFiles(20_000_000, 4, SMALL)).isEqualTo(1);
    assertThat(IngestJob.outputFiles(0, 0, SMALL)).isEqualTo(1);
  }

  @Test
  void aMidSizedBatchKeepsItsFilesAboveTheSmallFileSize() {
    // 1M events: 139.6 MB of raw text, about 66 MB of Parquet. Four files (one per core of parallelism 4)
    // would be 15-19 MB each, under 16 MB; two are about 33 MB.
    long raw = 139_600_000;
    int files = IngestJob.outputFiles(raw, 4, SMALL);
    assertThat(files).isEqualTo(2);
    // Each file gets at least three small-file sizes of raw text (about 1.5 of Parquet).
    assertThat(raw / files / IngestJob.RAW_BYTES_PER_PARQUET_BYTE).isGreaterThan(SMALL);
    // Enough raw text for every core: one file per core, still above the threshold.
    assertThat(IngestJob.outputFiles(20 * SMALL, 4, SMALL)).isEqualTo(4);
    // A higher threshold (Delta's own 64 MB) asks for fewer, larger files.
    assertThat(IngestJob.outputFiles(raw, 4, 64L << 20)).isEqualTo(1);
  }

  @Test
  void aBigBatchIsWrittenAsOneFilePerRawShare() {
    // 4,000 files of a third of a share each: 1,333.3 shares, rounded up.
    assertThat(IngestJob.outputFiles(4_000 * (SHARE / 3), 2, SMALL)).isEqualTo(1_334);
    assertThat(IngestJob.outputFiles(6 * SHARE, 2, SMALL)).isEqualTo(6);
    assertThat(IngestJob.outputFiles(6 * SHARE + 1, 2, SMALL)).isEqualTo(7);
    assertThat(IngestJob.outputFiles(6 * SHARE, 16, SMALL)).isEqualTo(16);
  }
}
