package io.tradelake.model;

import java.util.List;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.clustering.BisectingKMeans;
import org.apache.spark.ml.clustering.BisectingKMeansModel;
import org.apache.spark.ml.clustering.GaussianMixture;
import org.apache.spark.ml.clustering.GaussianMixtureModel;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.VectorAssembler;

/** The clustering algorithms a model may use, by their configuration names. */
public enum ClusterAlgorithm {

  KMEANS("kmeans"),
  BISECTING_KMEANS("bisecting-kmeans"),
  GAUSSIAN_MIXTURE("gaussian-mixture");

  public final String configName;

  ClusterAlgorithm(String configName) {
    this.configName = configName;
  }

  public static ClusterAlgorithm of(String configName) {
    for (ClusterAlgorithm a : values()) {
      if (a.configName.equals(configName)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown clustering algorithm " + configName);
  }

  /**
   * The stages that cluster {@code featuresCol} (standardised: mean 0) and write the cluster index to
   * {@code cluster}; the clusterer is the last.
   */
  List<PipelineStage> stages(int k, long seed, int maxIter, String featuresCol) {
    return switch (this) {
      case KMEANS -> List.of(new KMeans().setK(k).setSeed(seed).setMaxIter(maxIter).setFeaturesCol(featuresCol)
          .setPredictionCol("cluster"));
      // Spark's bisecting k-means starts each split at the centre ± 1e-4 × the centre's norm. Standardised rows
      // are centred on the origin, so the first split never separates them and every row stays in one cluster.
      // A constant extra coordinate moves the centre off the origin and changes no distance between rows.
      case BISECTING_KMEANS -> List.of(
          new SQLTransformer().setStatement("SELECT *, 1D AS bisecting_offset FROM __THIS__"),
          new VectorAssembler().setInputCols(new String[] {featuresCol, "bisecting_offset"})
              .setOutputCol("bisecting_features"),
          new BisectingKMeans().setK(k).setSeed(seed).setMaxIter(maxIter).setFeaturesCol("bisecting_features")
              .setPredictionCol("cluster"));
      case GAUSSIAN_MIXTURE -> List.of(new GaussianMixture().setK(k).setSeed(seed).setMaxIter(maxIter)
          .setFeaturesCol(featuresCol).setPredictionCol("cluster").setProbabilityCol("cluster_probability"));
    };
  }

  /**
   * The fit's cost, lower is better: within-cluster sum of squared distances for the k-means family, the
   * negative log-likelihood for a Gaussian mixture (which has no centroids to measure distances to).
   */
  static double cost(Transformer fitted) {
    if (fitted instanceof KMeansModel m) {
      return m.summary().trainingCost();
    }
    if (fitted instanceof BisectingKMeansModel m) {
      return m.summary().trainingCost();
    }
    if (fitted instanceof GaussianMixtureModel m) {
      return -m.summary().logLikelihood();
    }
    throw new IllegalArgumentException("not a clustering model: " + fitted);
  }
}
