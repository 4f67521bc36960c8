package io.tradelake.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * Finds gzip files that end early (a transfer cut short, a disk full). Spark's text source would fail the
 * whole job on such a file, or, told to ignore corrupt files, keep its first lines without a word. Each
 * file is decompressed to its end on an executor, a few files per task, with the codec the text source
 * uses; only the names of damaged files come back to the driver. No built-in column function can
 * decompress, hence plain Java here.
 */
public final class GzipIntegrity {

  private GzipIntegrity() {}

  /** Damaged gzip files among {@code paths}: path → what the decompressor said. */
  public static Map<String, String> damaged(SparkSession spark, List<String> paths) {
    List<String> gz = paths.stream().filter(p -> p.endsWith(".gz")).toList();
    if (gz.isEmpty()) {
      return Map.of();
    }
    Map<String, String> conf = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> conf.put(e.getKey(), e.getValue()));
    int tasks = Math.max(1, Math.min(gz.size(), spark.sparkContext().defaultParallelism() * 2));
    List<String> found = spark.createDataset(gz, Encoders.STRING()).repartition(tasks)
        .mapPartitions(new Check(conf), Encoders.STRING())
        .collectAsList(); // one entry per damaged file
    Map<String, String> out = new HashMap<>();
    for (String f : found) {
      int tab = f.indexOf('\t');
      out.put(f.substring(0, tab), f.substring(tab + 1));
    }
    return out;
  }

  /** Reads each file through; emits "path\tmessage" for a file whose stream fails. */
  static final class Check implements MapPartitionsFunction<String, String> {
    private final Map<String, String> hadoopConf;

    Check(Map<String, String> hadoopConf) {
      this.hadoopConf = hadoopConf;
    }

    @Override
    public Iterator<String> call(Iterator<String> paths) {
      Configuration conf = new Configuration(false);
      hadoopConf.forEach(conf::set);
      CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
      List<String> damaged = new ArrayList<>();
      byte[] buffer = new byte[1 << 16];
      while (paths.hasNext()) {
        String path = paths.next();
        String problem = readThrough(new Path(path), conf, codecs, buffer);
        if (problem != null) {
          damaged.add(path + "\t" + problem);
        }
      }
      return damaged.iterator();
    }

    private static String readThrough(Path path, Configuration conf, CompressionCodecFactory codecs, byte[] buffer) {
      CompressionCodec codec = codecs.getCodec(path);
      if (codec == null) {
        return null;
      }
      try (InputStream in = codec.createInputStream(path.getFileSystem(conf).open(path))) {
        while (in.read(buffer) >= 0) {
          // draining: only the end of the stream tells
        }
        return null;
      } catch (IOException | RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replace('\t', ' ').replace('\n', ' ');
      }
    }
  }
}
