package io.tradelake.model;

import io.tradelake.config.Settings;
import io.tradelake.runtime.Job;
import io.tradelake.runtime.JobContext;
import io.tradelake.runtime.StageMetrics;
import io.tradelake.table.Tables;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code model --score}: assigns buyers with the latest saved buyer model, without retraining. buyer_features
 * is recomputed from current silver, and buyer_segments is replaced by every buyer of the population with
 * the saved model's cluster (new buyers included, known buyers re-assigned on their current features);
 * {@code model_run_id} names the model, {@code run_id} this scoring run. Profiles stay the training run's.
 */
public final class BuyerScoringJob implements Job {

  @Override
  public String name() {
    return BuyerSegmentationJob.NAME;
  }

  @Override
  public boolean readsSilver() {
    return true;
  }

  @Override
  public List<StageMetrics> run(JobContext ctx) {
    long start = System.currentTimeMillis();
    ModelRuns.SavedModel saved = ModelRuns.latest(ctx.tables(), BuyerSegmentationJob.MODEL_NAME)
        .orElseThrow(() -> new IllegalStateException("no saved buyer model in model_runs: run model first"));
    ModelRuns.checkTrainedOnSilverLike(saved, "buyer model", ModelRuns.silverSettings(ctx));
    PipelineModel model = PipelineModel.load(saved.modelPath());
    Settings.BuyerModel cfg = ctx.settings().buyerModel();
    long featureRows = BuyerSegmentationJob.writeFeatures(ctx);
    Dataset<Row> population = BuyerSegmentationJob.population(ctx.tables().read(Tables.BUYER_FEATURES), cfg)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      ctx.describe(name(), "count buyers to score");
      long rows = population.count();
      long rowsOut = BuyerSegmentationJob.writeSegments(ctx, model, population, saved.runId());
      return List.of(new StageMetrics(name(), Tables.BUYER_SEGMENTS, rows, rowsOut, 0, 0,
          Map.of("buyers_in_features", featureRows, "outside_population", featureRows - rows),
          System.currentTimeMillis() - start));
    } finally {
      population.unpersist();
    }
  }
}
