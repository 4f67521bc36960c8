package io.tradelake.model;

import static org.apache.spark.sql.functions.col;

import io.tradelake.table.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The fitted models saved under {@code <warehouse>/models/<model>/<run id>}, one per training run (about 40
 * small files each): {@code maintain} removes those nothing needs any more, so that retraining every day does
 * not grow the warehouse without end. model_runs keeps every fit's row, the description of what was trained.
 */
public final class SavedModels {

  /** What a pruning removed (model/run id) and how many saved models it kept. */
  public record Pruned(List<String> removed, int kept) {}

  private SavedModels() {}

  /**
   * Removes each saved model that is older than {@code retain} (by its model_runs row's training time, or for
   * a folder without a row, a training stopped between save and record, by the folder's time), is not the
   * latest of its model (which {@code model --score} loads), and is not the one buyer_segments' rows name.
   * A few rows per training run are read: bounded by the number of runs.
   */
  public static Pruned prune(SparkSession spark, Tables tables, Duration retain, Instant now) {
    Path root = new Path(tables.modelsRoot());
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return new Pruned(List.of(), 0);
      }
      Map<String, Instant> trained = new HashMap<>();
      if (tables.exists(Tables.MODEL_RUNS)) {
        for (Row r : tables.read(Tables.MODEL_RUNS).select("model", "run_id", "trained_at").collectAsList()) {
          trained.put(r.getString(0) + "/" + r.getString(1), r.getTimestamp(2).toInstant());
        }
      }
      Set<String> inUse = new HashSet<>();
      if (tables.exists(Tables.BUYER_SEGMENTS)
          && List.of(tables.read(Tables.BUYER_SEGMENTS).columns()).contains("model_run_id")) {
        tables.read(Tables.BUYER_SEGMENTS).select(col("model_run_id")).distinct().collectAsList()
            .forEach(r -> inUse.add(BuyerSegmentationJob.MODEL_NAME + "/" + r.getString(0)));
      }
      Instant before = now.minus(retain);
      List<String> removed = new ArrayList<>();
      int kept = 0;
      for (FileStatus model : fs.listStatus(root)) {
        // The one model --score would load, by the same rule.
        Optional<String> latest = model.isDirectory()
            ? ModelRuns.latest(tables, model.getPath().getName()).map(m -> model.getPath().getName() + "/" + m.runId())
            : Optional.empty();
        for (FileStatus saved : model.isDirectory() ? fs.listStatus(model.getPath()) : new FileStatus[0]) {
          String name = model.getPath().getName() + "/" + saved.getPath().getName();
          Instant at = trained.getOrDefault(name, Instant.ofEpochMilli(saved.getModificationTime()));
          boolean needed = !at.isBefore(before) || inUse.contains(name) || latest.equals(Optional.of(name));
          if (needed || !saved.isDirectory()) {
            kept++;
          } else {
            fs.delete(saved.getPath(), true);
            removed.add(name);
          }
        }
      }
      return new Pruned(List.copyOf(removed), kept);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prune the saved models under " + root, e);
    }
  }
}
