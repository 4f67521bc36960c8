package io.tradelake.model;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.clustering.BisectingKMeans;
import org.apache.spark.ml.clustering.BisectingKMeansModel;
import org.apache.spark.ml.clustering.GaussianMixture;
import org.apache.spark.ml.clustering.GaussianMixtureModel;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;

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

  /** The estimator reading {@code featuresCol} and writing the cluster index to {@code cluster}. */
  Estimator<?> estimator(int k, long seed, int maxIter, String featuresCol) {
    return switch (this) {
      case KMEANS -> new KMeans().setK(k).setSeed(seed).setMaxIter(maxIter).setFeaturesCol(featuresCol)
          .setPredictionCol("cluster");
      case BISECTING_KMEANS -> new BisectingKMeans().setK(k).setSeed(seed).setMaxIter(maxIter)
          .setFeaturesCol(featuresCol).setPredictionCol("cluster");
      case GAUSSIAN_MIXTURE -> new GaussianMixture().setK(k).setSeed(seed).setMaxIter(maxIter)
          .setFeaturesCol(featuresCol).setPredictionCol("cluster").setProbabilityCol("cluster_probability");
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
