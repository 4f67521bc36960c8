package io.tradelake.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline run per warehouse at a time: a lock file created atomically (create without overwrite) in the
 * warehouse root. A lock left by a killed run on this host (its process is gone) is taken over; any other
 * holder makes the new run stop with a message naming it. On object stores without atomic create (S3), run
 * one scheduler per warehouse instead.
 */
public final class WarehouseLock implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WarehouseLock.class);
  public static final String FILE = "_tradelake.lock";

  /** Another live run holds the warehouse. */
  public static final class BusyException extends RuntimeException {
    BusyException(String message) {
      super(message);
    }
  }

  private final FileSystem fs;
  private final Path path;

  private WarehouseLock(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
  }

  public static WarehouseLock acquire(String warehouse, String runId, Configuration conf) {
    try {
      Path path = new Path(warehouse, FILE);
      FileSystem fs = path.getFileSystem(conf);
      fs.mkdirs(path.getParent());
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          create(fs, path, describe(runId));
          return new WarehouseLock(fs, path);
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException | java.nio.file.FileAlreadyExistsException e) {
          Properties holder = read(fs, path);
          if (!isStale(holder)) {
            throw new BusyException("warehouse " + warehouse + " is in use by " + named(holder)
                + "; wait for it to finish, or delete " + path + " if it is dead");
          }
          LOG.warn("taking over the lock of run {} (pid {} is gone)", holder.getProperty("run"), holder.getProperty("pid"));
          fs.delete(path, false);
        }
      }
      throw new BusyException("warehouse " + warehouse + " lock keeps changing hands; try again");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock warehouse " + warehouse + ": " + e.getMessage(), e);
    }
  }

  /** The run a lock file names, and whether its process is gone (then the next run takes the lock over). */
  public record Holder(String run, boolean stale) {}

  /**
   * Who holds the warehouse now, if anyone: the holding run as its lock file names it, and whether its process
   * is gone (a stale lock, which the next run takes over). Reads only.
   */
  public static Optional<Holder> holder(String warehouse, Configuration conf) {
    try {
      Path path = new Path(warehouse, FILE);
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        return Optional.empty();
      }
      Properties holder = read(fs, path);
      if (holder.getProperty("run") == null) {
        return Optional.empty(); // released between the two looks
      }
      return Optional.of(new Holder(named(holder), isStale(holder)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lock of warehouse " + warehouse + ": " + e.getMessage(), e);
    }
  }

  /** The run a lock file names, as messages name it: run, process, host and since when. */
  private static String named(Properties holder) {
    return "run " + holder.getProperty("run") + " (pid " + holder.getProperty("pid") + " on "
        + holder.getProperty("host") + " since " + holder.getProperty("since") + ")";
  }

  /** Creates the lock file, failing if it exists: atomically on local disks and HDFS. */
  private static void create(FileSystem fs, Path path, String content) throws IOException {
    if (fs instanceof org.apache.hadoop.fs.LocalFileSystem localFs) {
      // Hadoop's local create checks, then creates; the JDK's createFile is one atomic step.
      java.nio.file.Path local = localFs.pathToFile(path).toPath();
      java.nio.file.Files.createFile(local);
      java.nio.file.Files.writeString(local, content);
      return;
    }
    try (FSDataOutputStream out = fs.create(path, false)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  static String describe(String runId) throws IOException {
    return "run=" + runId + "\npid=" + ProcessHandle.current().pid() + "\nhost=" + host() + "\nsince="
        + Instant.now() + "\n";
  }

  private static Properties read(FileSystem fs, Path path) throws IOException {
    Properties p = new Properties();
    try (FSDataInputStream in = fs.open(path)) {
      p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (java.io.FileNotFoundException gone) {
      p.setProperty("pid", "-1"); // released meanwhile: stale by definition
      p.setProperty("host", host());
    }
    return p;
  }

  /** A lock is stale when it was taken on this host by a process that no longer runs. */
  static boolean isStale(Properties holder) throws IOException {
    if (!host().equals(holder.getProperty("host"))) {
      return false;
    }
    try {
      long pid = Long.parseLong(holder.getProperty("pid", "-1"));
      return pid < 0 || ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String host() throws IOException {
    return InetAddress.getLocalHost().getHostName();
  }

  @Override
  public void close() {
    try {
      fs.delete(path, false);
      fs.delete(new Path(path.getParent(), "." + FILE + ".crc"), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
