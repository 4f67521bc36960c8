package io.tradelake.generate;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.SerializableConfiguration;

/**
 * File names and the writer. A file's name, compression and byte order mark follow from (seed, layout,
 * day), and its lines are written in sort-key order, so its bytes depend on nothing but the seed.
 */
final class OutputFiles {

  private OutputFiles() {}

  /** {@code orders-20190301.csv[.gz]} for shopline, {@code events-20190301.jsonl[.gz]} for globalbuy. */
  static String fileName(long seed, String layout, LocalDate day, double gzipShare) {
    boolean shopline = layout.equals(GeneratorSettings.SHOPLINE);
    boolean gzip = Rng.unit(seed, 0x621DL, shopline ? 1 : 2, day.toEpochDay()) < gzipShare;
    String stamp = day.toString().replace("-", "");
    return (shopline ? "orders-" + stamp + ".csv" : "events-" + stamp + ".jsonl") + (gzip ? ".gz" : "");
  }

  /** Whether a file starts with a UTF-8 byte order mark. */
  static boolean bom(long seed, String relativePath, double share) {
    return share > 0 && Rng.unit(seed, 0xB0BL, fnv(relativePath)) < share;
  }

  static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /**
   * Writes the rows of a partition (columns layout, folder, file, sortKey, text; sorted by file, then sort
   * key) as files under the output root; returns one {@link FileStat} per file.
   */
  static final class WriteFiles implements MapPartitionsFunction<Row, FileStat> {
    private final String root;
    private final long seed;
    private final double bomShare;
    private final double truncatedShare;
    private final SerializableConfiguration conf;

    WriteFiles(String root, long seed, double bomShare, double truncatedShare, SerializableConfiguration conf) {
      this.root = root;
      this.seed = seed;
      this.bomShare = bomShare;
      this.truncatedShare = truncatedShare;
      this.conf = conf;
    }

    @Override
    public Iterator<FileStat> call(Iterator<Row> rows) throws IOException {
      List<FileStat> stats = new ArrayList<>();
      String current = null;
      java.io.Writer out = null;
      CountingStream counter = null;
      FileStat stat = null;
      List<String> firstLines = new ArrayList<>();
      try {
        while (rows.hasNext()) {
          Row r = rows.next();
          String relative = r.getString(0) + "/" + r.getString(1) + "/" + r.getString(2);
          if (!relative.equals(current)) {
            if (out != null) {
              out.close();
              stat.setBytes(counter.count);
              stats.add(stat);
              resend(root, seed, truncatedShare, conf, stat, firstLines, stats);
            }
            firstLines.clear();
            current = relative;
            counter = new CountingStream(create(new Path(root, relative), conf));
            OutputStream raw = relative.endsWith(".gz") ? new GZIPOutputStream(counter, 1 << 16) : counter;
            out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16);
            stat = new FileStat();
            stat.setPath(relative);
            stat.setLayout(r.getString(0));
            stat.setGzip(relative.endsWith(".gz"));
            if (bom(seed, relative, bomShare)) {
              out.write('\uFEFF');
              stat.setBom(true);
            }
            if (relative.contains(".csv")) {
              out.write(LineFormat.SHOPLINE_HEADER);
              out.write('\n');
              stat.setLines(1);
              stat.setMisrouted(!r.getString(0).equals(GeneratorSettings.SHOPLINE));
            }
          }
          out.write(r.getString(4));
          out.write('\n');
          stat.setLines(stat.getLines() + 1);
          if (firstLines.size() < RESENT_LINES) {
            firstLines.add(r.getString(4));
          }
        }
        if (out != null) {
          out.close();
          out = null;
          stat.setBytes(counter.count);
          stats.add(stat);
          resend(root, seed, truncatedShare, conf, stat, firstLines, stats);
        }
      } finally {
        if (out != null) {
          out.close();
        }
      }
      return stats.iterator();
    }
  }

  /** Lines of a file copied into its cut-short re-sent copy (only its header survives the cut). */
  static final int RESENT_LINES = 20;

  /**
   * Some gzip files are sent twice and the second transfer breaks off: {@code <name>-resent.<ext>.gz}
   * holds the file's header and first lines, gzipped and cut so that only the header (CSV) or nothing
   * (JSON lines) is complete. The pipeline keeps what is complete and quarantines the rest as one
   * truncated_file row, so the copy changes no clean aggregate.
   */
  static void resend(String root, long seed, double truncatedShare, SerializableConfiguration conf,
      FileStat original, List<String> firstLines, List<FileStat> stats) throws IOException {
    String relative = original.getPath();
    if (!original.isGzip() || original.isMisrouted() || truncatedShare <= 0
        || Rng.unit(seed, 0x7C0FL, fnv(relative)) >= truncatedShare) {
      return;
    }
    boolean csv = relative.contains(".csv");
    StringBuilder text = new StringBuilder(csv ? LineFormat.SHOPLINE_HEADER + "\n" : "");
    firstLines.forEach(l -> text.append(l).append('\n'));
    byte[] cut = truncatedGzip(text.toString().getBytes(StandardCharsets.UTF_8), csv ? 1 : 0);
    String copy = relative.replaceFirst("(\\.csv|\\.jsonl)\\.gz$", "-resent$1.gz");
    try (OutputStream out = create(new Path(root, copy), conf)) {
      out.write(cut);
    }
    FileStat stat = new FileStat();
    stat.setPath(copy);
    stat.setLayout(original.getLayout());
    stat.setGzip(true);
    stat.setTruncated(true);
    stat.setLines(csv ? 1 : 0);
    stat.setBytes(cut.length);
    stats.add(stat);
  }

  /** The longest prefix of gzip(text) whose decompressed bytes hold exactly {@code keep} whole lines. */
  static byte[] truncatedGzip(byte[] text, int keep) throws IOException {
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(buffer)) {
      gz.write(text);
    }
    byte[] full = buffer.toByteArray();
    int lo = 10; // past the gzip header
    int hi = full.length - 9; // without the trailer, the stream is always cut short
    while (lo < hi) { // largest cut with at most `keep` newlines decoded
      int mid = (lo + hi + 1) >>> 1;
      if (newlinesDecoded(java.util.Arrays.copyOf(full, mid)) <= keep) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return java.util.Arrays.copyOf(full, lo);
  }

  static int newlinesDecoded(byte[] gzipPrefix) {
    int newlines = 0;
    byte[] b = new byte[4096];
    try (java.util.zip.GZIPInputStream in =
        new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipPrefix))) {
      for (int n; (n = in.read(b)) > 0; ) {
        for (int i = 0; i < n; i++) {
          newlines += b[i] == '\n' ? 1 : 0;
        }
      }
    } catch (IOException e) {
      // the stream breaks where it was cut: what came before is what counts
    }
    return newlines;
  }

  /**
   * Creates (or replaces) a file and its folders. Local paths are written with java.nio: Hadoop's local file
   * system would add .crc files and, without its native library, fork chmod for every new folder.
   */
  static OutputStream create(Path path, SerializableConfiguration conf) throws IOException {
    java.net.URI uri = path.toUri();
    if (uri.getScheme() == null || uri.getScheme().equals("file")) {
      java.nio.file.Path local = java.nio.file.Path.of(uri.getPath());
      java.nio.file.Files.createDirectories(local.getParent());
      return java.nio.file.Files.newOutputStream(local);
    }
    FileSystem fs = path.getFileSystem(conf.value());
    return fs.create(path, true);
  }

  /** Writes every buyer of the population as {@code _truth/buyers.csv} (in one task). */
  static void writeBuyers(BuyerPopulation pop, Path file, SerializableConfiguration conf) {
    try (java.io.Writer out = new BufferedWriter(new OutputStreamWriter(create(file, conf), StandardCharsets.UTF_8),
        1 << 16)) {
      out.write("buyer_id,home_country,birth_year,cohort,segment,lapses_after\n");
      pop.forEach(b -> {
        try {
          out.write(b.id() + "," + b.country() + "," + b.birthYear() + "," + Segment.COHORTS[b.cohort()] + ","
              + b.segment().label + "," + (b.lapsesAfter() == null ? "" : b.lapsesAfter().toString()) + "\n");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

}
