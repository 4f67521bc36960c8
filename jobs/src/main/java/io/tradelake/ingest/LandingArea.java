package io.tradelake.ingest;

import io.tradelake.runtime.JobContext;
import io.tradelake.table.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lists the landing area's files by layout and day. Listing runs on the driver: its memory grows with
 * the number of files, never with their content.
 */
public final class LandingArea {

  /**
   * What the listing found: files to consider; what it could not place (warned of, not read); notes (README,
   * .md, .txt files) kept beside the layouts' folders, which are not raw files and not read; and files too
   * recently modified to read yet ({@link #settled}).
   */
  public record Listing(List<RawFile> files, List<String> unplaced, List<String> notes, List<RawFile> settling) {

    /**
     * This listing with the files modified less than {@code minAge} before {@code now} moved to {@code settling}:
     * a file still being written in place is read once it has stopped changing.
     */
    public Listing settled(Instant now, Duration minAge) {
      if (minAge.isZero()) {
        return this;
      }
      long newest = now.minus(minAge).toEpochMilli();
      Map<Boolean, List<RawFile>> old = files.stream()
          .collect(Collectors.partitioningBy(f -> f.modificationTime() <= newest));
      return new Listing(List.copyOf(old.get(true)), unplaced, notes, List.copyOf(old.get(false)));
    }
  }

  private LandingArea() {}

  /** Fails with a one-line cause when the landing root is missing, or is a file. */
  public static void requireRoot(String root, Configuration hadoopConf) {
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(hadoopConf);
      if (!fs.exists(rootPath)) {
        throw new IllegalArgumentException("input folder does not exist: " + root);
      }
      if (!fs.getFileStatus(rootPath).isDirectory()) {
        throw new IllegalArgumentException("input is a file, not the landing folder: " + root
            + " (raw files go under <input>/<layout>/<yyyy-mm-dd>/)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input folder " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * The listing a run takes its files from: the configured input and layouts, with the files modified within
   * {@code ingest.min-file-age} of the run's start set aside. Ingest and {@code status} list by this one method.
   */
  public static Listing forRun(JobContext ctx) {
    return list(Tables.absolute(ctx.settings().input()), ctx.settings().layouts().keySet(),
        ctx.spark().sparkContext().hadoopConfiguration()).settled(ctx.startedAt(), ctx.settings().ingestMinFileAge());
  }

  public static Listing list(String root, Collection<String> layouts, Configuration hadoopConf) {
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(hadoopConf);
      requireRoot(root, hadoopConf);
      List<RawFile> files = new ArrayList<>();
      List<String> unplaced = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      for (FileStatus layoutDir : fs.listStatus(rootPath)) {
        String layout = layoutDir.getPath().getName();
        if (hidden(layout)) {
          continue;
        }
        if (!layoutDir.isDirectory()) {
          if (note(layout)) {
            notes.add(layoutDir.getPath().toString());
            continue;
          }
          unplaced.add(layoutDir.getPath().toString() + " (a file at the landing root: raw files go under "
              + "<layout>/<yyyy-mm-dd>/)");
          continue;
        }
        if (!layouts.contains(layout)) {
          unplaced.add(layoutDir.getPath().toString() + " (no layout named '" + layout + "' is configured; known: "
              + String.join(", ", new TreeSet<>(layouts)) + ")");
          continue;
        }
        for (FileStatus dayDir : fs.listStatus(layoutDir.getPath())) {
          String dayName = dayDir.getPath().getName();
          if (hidden(dayName)) {
            continue;
          }
          LocalDate day = parseDay(dayName);
          if (!dayDir.isDirectory() && note(dayName)) {
            notes.add(dayDir.getPath().toString());
            continue;
          }
          if (!dayDir.isDirectory() || day == null) {
            unplaced.add(dayDir.getPath().toString() + " (not a yyyy-mm-dd day folder)");
            continue;
          }
          for (FileStatus f : fs.listStatus(dayDir.getPath())) {
            if (f.isFile() && !hidden(f.getPath().getName())) {
              files.add(new RawFile(layout, day, f.getPath().toString(), f.getLen(), f.getModificationTime()));
            }
          }
        }
      }
      files.sort(Comparator.comparing(RawFile::path));
      return new Listing(List.copyOf(files), List.copyOf(unplaced), List.copyOf(notes), List.of());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list input folder " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Hidden, as Spark's file sources treat them: dot and underscore names, and files still being copied in by
   * {@code hdfs dfs -put} ({@code <name>._COPYING_}, renamed when whole: read then, once).
   */
  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_") || name.endsWith("._COPYING_");
  }

  /** A README or a text note beside the day folders: documentation of the landing area, not a raw file. */
  private static boolean note(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.startsWith("readme") || lower.endsWith(".md") || lower.endsWith(".txt");
  }

  private static LocalDate parseDay(String name) {
    try {
      return name.matches("\\d{4}-\\d{2}-\\d{2}") ? LocalDate.parse(name) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
