package io.tradelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputFilesTest {

  private static final long SHARE = IngestJob.RAW_BYTES_PER_FILE;

  @Test
  void aDaysBatchKeepsOneFilePerCore() {
    assertThat(IngestJob.outputFiles(200_000, 2)).isEqualTo(2);
    assertThat(IngestJob.outputFiles(0, 0)).isEqualTo(1);
  }

  @Test
  void aBigBatchIsWrittenAsOneFilePerRawShare() {
    // 4,000 files of a third of a share each: 1,333.3 shares, rounded up.
    assertThat(IngestJob.outputFiles(4_000 * (SHARE / 3), 2)).isEqualTo(1_334);
    assertThat(IngestJob.outputFiles(6 * SHARE, 2)).isEqualTo(6);
    assertThat(IngestJob.outputFiles(6 * SHARE + 1, 2)).isEqualTo(7);
    assertThat(IngestJob.outputFiles(6 * SHARE, 16)).isEqualTo(16);
  }
}
