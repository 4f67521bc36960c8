package io.tradelake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.testing.SparkTest;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line numbers are per file, 1-based, and right even when Spark splits a file across many tasks. */
@SparkTest
class LineNumberingTest {

  @Test
  void everyLineKnowsItsNumberAcrossSplitsAndFiles(SparkSession spark, @TempDir Path dir) throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 3000; i++) {
      text.append("line ").append(i).append(i % 7 == 0 ? "\r\n" : "\n");
    }
    Path plain = dir.resolve("a.csv");
    Files.writeString(plain, text);
    Path gzip = dir.resolve("b.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
      out.write(text.substring(0, text.indexOf("line 501")).getBytes(StandardCharsets.UTF_8));
    }
    String before = spark.conf().get("spark.sql.files.maxPartitionBytes");
    spark.conf().set("spark.sql.files.maxPartitionBytes", "4096"); // ~8 splits of the plain file
    try {
      Dataset<Row> lines = RawLines.read(spark, List.of(plain.toString(), gzip.toString()));
      assertThat(lines.select("block_start").distinct().count()).isGreaterThan(3);
      Dataset<Row> numbered = RawLines.numbered(lines);
      assertThat(numbered.count()).isEqualTo(3500);
      assertThat(numbered.where("raw_line <> concat('line ', line_number)").count()).isZero();
      assertThat(numbered.where("source_file LIKE '%b.csv.gz'").agg(org.apache.spark.sql.functions.max("line_number"))
          .first().getLong(0)).isEqualTo(500);
    } finally {
      spark.conf().set("spark.sql.files.maxPartitionBytes", before);
    }
  }
}
