package io.tradelake.model;

import io.tradelake.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;

/**
 * The MLlib pipeline every TradeLake clustering model uses: log1p of the skewed features, mean imputation,
 * one vector, standard scaling (mean 0, sd 1, so no feature dominates by its unit), then the clusterer.
 * Every step is a pipeline stage, so the saved model scores new rows exactly as it was trained.
 */
public final class ClusteringPipeline {

  /** The scaled feature vector the clusterer and the silhouette see. */
  public static final String SCALED = "scaled";

  private ClusteringPipeline() {}

  public static Pipeline of(Settings.ClusterModel cfg, int k) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    for (String f : cfg.features()) {
      inputs.add(cfg.logFeatures().contains(f) ? "log1p_" + f : f);
    }
    // Casts to double: decimals (money) and counts enter the vector as doubles. Negative values of a logged
    // column count as 0; a null stays null, for the imputer.
    String select = cfg.features().stream()
        .map(f -> cfg.logFeatures().contains(f)
            ? "log1p(CASE WHEN " + q(f) + " < 0 THEN 0D ELSE CAST(" + q(f) + " AS DOUBLE) END) AS " + q("log1p_" + f)
            : "CAST(" + q(f) + " AS DOUBLE) AS " + q("in_" + f))
        .collect(Collectors.joining(", "));
    stages.add(new SQLTransformer().setStatement("SELECT *, " + select + " FROM __THIS__"));
    String[] transformed = cfg.features().stream()
        .map(f -> cfg.logFeatures().contains(f) ? "log1p_" + f : "in_" + f).toArray(String[]::new);
    String[] imputed = cfg.features().stream().map(f -> "imputed_" + f).toArray(String[]::new);
    // Mean, not median: one aggregate whose task results are a few numbers, where the approximate median
    // sends each partition's quantile summary (up to tens of thousands of values) to the driver.
    stages.add(new Imputer().setInputCols(transformed).setOutputCols(imputed).setStrategy("mean"));
    stages.add(new VectorAssembler().setInputCols(imputed).setOutputCol("features"));
    stages.add(new StandardScaler().setInputCol("features").setOutputCol(SCALED).setWithMean(true).setWithStd(true));
    stages.addAll(ClusterAlgorithm.of(cfg.algorithm()).stages(k, cfg.seed(), cfg.maxIter(), SCALED));
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
  }

  private static String q(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}
