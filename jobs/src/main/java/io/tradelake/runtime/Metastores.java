package io.tradelake.runtime;

import io.tradelake.config.Settings;
import io.tradelake.table.ServeMarker;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points a session at the metastore the settings name: embedded Derby under {@code <warehouse>/_catalog}, an
 * external Hive metastore, or none. Embedded Derby admits one process at a time, so a session opened while
 * {@code tradelake serve} holds it gets a session-scoped catalog instead (tables stay readable by path).
 */
final class Metastores {

  private static final Logger LOG = LoggerFactory.getLogger(Metastores.class);
  private static final String HIVE_STATE = "org.apache.spark.sql.hive.HiveSessionStateBuilder";

  private Metastores() {}

  static void configure(SparkSession.Builder builder, Settings settings) {
    Settings.Catalog catalog = settings.catalog();
    if (catalog.metastore() == Settings.Catalog.Metastore.NONE) {
      return;
    }
    if (!hiveOnClasspath()) {
      LOG.warn("catalog: spark-hive is not on the classpath; tables are registered for this session only");
      return;
    }
    if (catalog.metastore() == Settings.Catalog.Metastore.EXTERNAL) {
      builder.enableHiveSupport().config("spark.hadoop.hive.metastore.uris", catalog.metastoreUri());
      return;
    }
    String warehouse = settings.warehouse();
    if (!ServeMarker.localWarehouse(warehouse)) {
      LOG.warn("catalog: the embedded metastore needs a local warehouse; {} is not: set catalog.metastore = "
          + "external (or none)", warehouse);
      return;
    }
    var held = ServeMarker.holder(warehouse);
    if (held.isPresent()) {
      LOG.info("catalog: the metastore of {} is held by {}; this session uses a session-scoped catalog", warehouse,
          held.get().describe());
      return;
    }
    // The folder is made when the metastore is first opened (ServeMarker.prepareCatalogDir), not here: a command
    // that never opens it (status, maintain, a stage that stops at its check) leaves a mistyped warehouse uncreated.
    Path dir = ServeMarker.catalogDir(warehouse);
    System.setProperty("derby.stream.error.file", dir.resolve("derby.log").toString());
    builder.enableHiveSupport()
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + dir.resolve("metastore_db") + ";create=true")
        .config("spark.sql.warehouse.dir", dir.resolve("managed").toUri().toString());
  }

  private static boolean hiveOnClasspath() {
    try {
      Class.forName(HIVE_STATE, false, Metastores.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
