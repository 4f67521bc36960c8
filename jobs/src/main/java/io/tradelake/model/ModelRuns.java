package io.tradelake.model;

import static org.apache.spark.sql.functions.col;

import io.tradelake.config.Settings;
import io.tradelake.config.SettingsException;
import io.tradelake.runtime.JobContext;
import io.tradelake.table.StageSettings;
import io.tradelake.table.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code model_runs} table: one row per fitted model with everything needed to reproduce and reuse it
 * (algorithm, parameters, features, every candidate's scores, where the PipelineModel is saved).
 */
public final class ModelRuns {

  static final StructType SCHEMA = new StructType()
      .add("model", DataTypes.StringType)
      .add("run_id", DataTypes.StringType)
      .add("algorithm", DataTypes.StringType)
      .add("k", DataTypes.IntegerType)
      .add("seed", DataTypes.LongType)
      .add("features", DataTypes.createArrayType(DataTypes.StringType))
      .add("candidate_k", DataTypes.createArrayType(DataTypes.IntegerType))
      .add("candidate_silhouette", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("candidate_cost", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("training_rows", DataTypes.LongType)
      .add("model_path", DataTypes.StringType)
      .add("trained_at", DataTypes.TimestampType)
      .add("log_features", DataTypes.createArrayType(DataTypes.StringType))
      .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));

  /**
   * Saves the chosen PipelineModel under the warehouse, versioned by run ({@code models/<model>/<run id>});
   * {@code label} names the Spark job ("save <label> k=…"). Returns where it was saved.
   */
  static String save(JobContext ctx, String stage, String model, String label, KSearch.Result fit) {
    String path = ctx.tables().modelPath(model, ctx.runId());
    ctx.describe(stage, "save " + label + " k=" + fit.choice().best().k());
    try {
      fit.model().write().overwrite().save(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save model to " + path, e);
    }
    return path;
  }

  /**
   * A saved model as model_runs records it; {@code params} include the fixed settings of the silver it was
   * trained on ({@link #SILVER}), when clean_log recorded them.
   */
  public record SavedModel(String runId, String algorithm, int k, List<String> features, String modelPath,
      Map<String, String> params) {}

  /** Prefix of the params that record silver's fixed settings ({@link StageSettings#CLEAN_FIXED}) at training. */
  static final String SILVER = "silver.";

  private ModelRuns() {}

  public static void record(JobContext ctx, String model, Settings.ClusterModel cfg, KChoice choice, long rows,
      String path, Map<String, String> extraParams) {
    List<KChoice.Candidate> c = choice.candidates();
    Map<String, String> params = new TreeMap<>(extraParams);
    params.put("k_min", Integer.toString(cfg.kMin()));
    params.put("k_max", Integer.toString(cfg.kMax()));
    params.put("max_iter", Integer.toString(cfg.maxIter()));
    params.put("k_chosen_by", "silhouette");
    params.putAll(silverSettings(ctx));
    Row row = RowFactory.create(model, ctx.runId(), cfg.algorithm(), choice.best().k(), cfg.seed(),
        cfg.features().toArray(String[]::new),
        c.stream().map(KChoice.Candidate::k).toArray(Integer[]::new),
        c.stream().map(KChoice.Candidate::silhouette).toArray(Double[]::new),
        c.stream().map(KChoice.Candidate::cost).toArray(Double[]::new),
        rows, path, new Timestamp(System.currentTimeMillis()), cfg.logFeatures().toArray(String[]::new),
        scala.jdk.javaapi.CollectionConverters.asScala(params));
    ctx.tables().appendMergingSchema(ctx.spark().createDataFrame(List.of(row), SCHEMA), Tables.MODEL_RUNS);
  }

  /** The model's latest run (by training time, then run id), if any. */
  public static Optional<SavedModel> latest(Tables tables, String model) {
    if (!tables.exists(Tables.MODEL_RUNS)) {
      return Optional.empty();
    }
    List<Row> rows = tables.read(Tables.MODEL_RUNS).where(col("model").equalTo(model))
        .orderBy(col("trained_at").desc(), col("run_id").desc()).limit(1)
        .select("run_id", "algorithm", "k", "features", "model_path", "params").collectAsList();
    return rows.stream().findFirst().map(r -> new SavedModel(r.getString(0), r.getString(1), r.getInt(2),
        r.getList(3), r.getString(4), r.isNullAt(5) ? Map.of() : r.getJavaMap(5)));
  }

  /**
   * The settings silver's rows are in (currency, reporting country, time zone, pseudonym key's check value), as
   * clean_log last recorded them, under {@link #SILVER}: empty when it recorded none. A model's features are
   * sums of money and counts of days in those settings.
   */
  public static Map<String, String> silverSettings(JobContext ctx) {
    Map<String, String> fixed = new TreeMap<>();
    StageSettings.ofSilver(ctx.tables()).map(StageSettings::values)
        .ifPresent(v -> StageSettings.CLEAN_FIXED.stream().filter(v::containsKey)
            .forEach(k -> fixed.put(SILVER + k, v.get(k))));
    return fixed;
  }

  /**
   * Stops when silver has been cleaned again under other fixed settings since {@code saved} was trained (clean
   * --rebuild in another currency, say): its features would be on another scale than the model's, and every
   * buyer would be assigned wrongly, without an error. Settings only one side records are not compared.
   */
  static void checkTrainedOnSilverLike(SavedModel saved, String label, Map<String, String> silverNow) {
    String changed = silverChangedSince(saved, silverNow);
    if (!changed.isEmpty()) {
      throw new SettingsException("the saved " + label + " (run " + saved.runId() + ") was trained on silver_events "
          + "cleaned with other settings: " + changed + "; with it, buyers would be "
          + "assigned on features measured otherwise than the model's. Run model to train one on silver as it is now");
    }
  }

  /**
   * The fixed settings silver has been cleaned with since {@code saved} was trained, where they differ ("reporting-
   * currency (was CNY, now USD)"); empty when none does, or either side recorded none.
   */
  public static String silverChangedSince(SavedModel saved, Map<String, String> silverNow) {
    StageSettings trained = settings(saved.params());
    StageSettings now = settings(silverNow);
    return now.describeChanges(trained, now.changedFrom(trained));
  }

  /** The {@link #SILVER} entries of {@code params}, without the prefix. */
  private static StageSettings settings(Map<String, String> params) {
    Map<String, String> v = new TreeMap<>();
    params.forEach((k, value) -> {
      if (k.startsWith(SILVER)) {
        v.put(k.substring(SILVER.length()), value);
      }
    });
    return new StageSettings(v);
  }
}
