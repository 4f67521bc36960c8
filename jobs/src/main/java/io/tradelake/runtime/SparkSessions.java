package io.tradelake.runtime;

import io.tradelake.config.Settings;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the session from the {@code tradelake.spark} settings. Settings given to spark-submit win. */
public final class SparkSessions {

  private SparkSessions() {}

  /** True when the session's catalog outlives it (a Hive metastore), false for a session-scoped catalog. */
  public static boolean persistentCatalog(SparkSession spark) {
    return "hive".equals(spark.conf().get("spark.sql.catalogImplementation", "in-memory"));
  }

  public static SparkSession create(Settings settings) {
    SparkConf fromSubmit = new SparkConf(); // picks up spark.* system properties set by spark-submit
    SparkSession.Builder builder = SparkSession.builder();
    for (Map.Entry<String, String> e : settings.spark().entrySet()) {
      if (!fromSubmit.contains(e.getKey())) {
        builder.config(e.getKey(), e.getValue());
      }
    }
    if (!fromSubmit.contains("spark.master") && !settings.spark().containsKey("spark.master")) {
      throw new io.tradelake.config.SettingsException(
          "no Spark master: run under spark-submit, or set tradelake.spark.\"spark.master\" (conf/local.conf does)");
    }
    if (!fromSubmit.contains("spark.app.name")) {
      builder.appName("tradelake");
    }
    if (!fromSubmit.contains("spark.sql.catalogImplementation")) {
      Metastores.configure(builder, settings);
    }
    SparkSession spark = builder.getOrCreate();
    // Settings a pipeline's correctness depends on: enforced even if spark-submit said otherwise.
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    spark.conf().set("spark.sql.ansi.enabled", "true");
    return spark;
  }
}
