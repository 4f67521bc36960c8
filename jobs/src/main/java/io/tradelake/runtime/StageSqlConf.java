package io.tradelake.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;

/**
 * A stage's own Spark SQL settings ({@code <stage>.spark} in the configuration), set on the session while the
 * stage runs and put back when it ends, so that the next stage sees the session's settings again.
 */
public final class StageSqlConf implements AutoCloseable {

  private final RuntimeConfig conf;
  // The values the session had before (null: not set), to put back.
  private final Map<String, String> previous = new LinkedHashMap<>();

  private StageSqlConf(RuntimeConfig conf) {
    this.conf = conf;
  }

  public static StageSqlConf apply(SparkSession spark, Map<String, String> settings) {
    StageSqlConf scope = new StageSqlConf(spark.conf());
    for (Map.Entry<String, String> e : settings.entrySet()) {
      scope.previous.put(e.getKey(), spark.conf().contains(e.getKey()) ? spark.conf().get(e.getKey()) : null);
      spark.conf().set(e.getKey(), e.getValue());
    }
    return scope;
  }

  @Override
  public void close() {
    previous.forEach((key, value) -> {
      if (value == null) {
        conf.unset(key);
      } else {
        conf.set(key, value);
      }
    });
  }
}
