package io.tradelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class OutputFilesTest {

  private static List<RawFile> files(long count, long bytesEach) {
    return LongStream.range(0, count)
        .mapToObj(i -> new RawFile("l", LocalDate.of(2020, 1, 1), "/in/f" + i, bytesEach, 0L)).toList();
  }

  @Test
  void aDaysBatchKeepsOneFilePerCore() {
    assertThat(IngestJob.outputFiles(files(2, 100_000), 2)).isEqualTo(2);
    assertThat(IngestJob.outputFiles(List.of(), 0)).isEqualTo(1);
  }

  @Test
  void aBigBatchIsWrittenAsOneFilePerRawShare() {
    long share = IngestJob.RAW_BYTES_PER_FILE;
    // 4,000 files of a third of a share each: 1,334 shares, rounded up.
    assertThat(IngestJob.outputFiles(files(4_000, share / 3), 2))
        .isEqualTo((int) ((4_000 * (share / 3) + share - 1) / share));
    assertThat(IngestJob.outputFiles(files(6, share), 2)).isEqualTo(6);
    assertThat(IngestJob.outputFiles(files(6, share), 16)).isEqualTo(16);
  }
}
