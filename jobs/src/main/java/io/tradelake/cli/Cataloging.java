package io.tradelake.cli;

import io.tradelake.config.Settings;
import io.tradelake.runtime.SparkSessions;
import io.tradelake.table.CatalogRegistry;
import io.tradelake.table.RegistrationRecord;
import io.tradelake.table.ServeMarker;
import io.tradelake.table.StageSettings;
import io.tradelake.table.TableDocs;
import io.tradelake.table.Tables;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** When commands register the warehouse's tables in the catalog, and what they do when they cannot. */
final class Cataloging {

  private static final Logger LOG = LoggerFactory.getLogger(Cataloging.class);

  private Cataloging() {}

  /**
   * At the end of a run: registers the tables, unless {@code tradelake serve} holds the embedded metastore (it
   * registers them itself on its next refresh). A catalog that cannot be reached never fails a finished run.
   * {@code settingsAreSilvers}: the run held its settings to silver's (it cleaned or read silver), so the
   * comments can name its currency without reading clean_log.
   */
  static void afterRun(SparkSession spark, Settings settings, boolean settingsAreSilvers) {
    if (settings.catalog().metastore() == Settings.Catalog.Metastore.NONE) {
      return;
    }
    Optional<ServeMarker.Holder> serve = servedElsewhere(spark, settings);
    if (serve.isPresent()) {
      LOG.info("catalog: tables not registered by this run: the metastore is held by {}, which registers them "
          + "on its next refresh or run; they are readable by path meanwhile", serve.get().describe());
      return;
    }
    try {
      TableDocs docs = settingsAreSilvers ? TableDocs.inCurrency(settings.reportingCurrency()) : docs(spark, settings);
      if (!recorded(spark, settings, docs)) {
        register(spark, settings, docs, true);
      }
    } catch (RuntimeException e) {
      LOG.warn("catalog: tables not registered by this run ({}); they are readable by path, and the next run, "
          + "sql, docs or serve registers them", explain(e, settings));
    }
  }

  /**
   * For a process that runs again and again ({@code run --every}): holds the embedded metastore for its lifetime
   * (the marker {@code serve} takes), since Derby stays open in it once a run has registered tables, so that
   * sql, docs and other runs meanwhile leave the metastore alone instead of failing on it. Null when there is
   * nothing to hold: another catalog, a warehouse that is not local, or another process holding it already (its
   * registrations then stand for this process's, as for any run).
   */
  static ServeMarker holdEmbeddedMetastore(Settings settings, String command) {
    if (settings.catalog().metastore() != Settings.Catalog.Metastore.EMBEDDED
        || !ServeMarker.localWarehouse(settings.warehouse()) || ServeMarker.holder(settings.warehouse()).isPresent()) {
      return null;
    }
    return ServeMarker.take(settings.warehouse(), command, 0);
  }

  /**
   * Before queries (sql, docs, serve): the tables by name, in the persistent catalog or this session's. Queries
   * may change the metastore (a DROP TABLE), so the record of the registration is dropped: the next run checks.
   */
  static CatalogRegistry.Outcome forQueries(SparkSession spark, Settings settings) {
    try {
      return register(spark, settings, docs(spark, settings), false);
    } catch (RuntimeException e) {
      throw new IllegalStateException("catalog: " + explain(e, settings), e);
    }
  }

  /**
   * For sql and docs, which are about the warehouse's tables: a warehouse without any is most likely a mistyped
   * {@code --warehouse}, said before a metastore is made there. (serve may start before the first run: it
   * registers the tables as they come.)
   */
  static void requireTables(SparkSession spark, Settings settings) {
    Tables tables = Tables.at(settings.warehouse(), spark);
    if (OpsCommands.ALL_TABLES.stream().noneMatch(tables::exists)) {
      throw new IllegalArgumentException("no tables in " + tables.root() + ": run the pipeline first, or check "
          + "--warehouse");
    }
  }

  /**
   * The tables' descriptions, money named in the currency silver was cleaned in (clean_log), not the command's:
   * a query or an ingest under another currency must not relabel the warehouse.
   */
  static TableDocs docs(SparkSession spark, Settings settings) {
    return TableDocs.inCurrency(StageSettings.silverCurrency(Tables.at(settings.warehouse(), spark),
        settings.reportingCurrency()));
  }

  private static CatalogRegistry.Outcome register(SparkSession spark, Settings settings, TableDocs docs,
      boolean record) {
    CatalogRegistry registry = registry(spark, settings, docs);
    if (recordable(spark, settings)) {
      ServeMarker.prepareCatalogDir(settings.warehouse());
      RegistrationRecord.clear(settings.warehouse());
    }
    CatalogRegistry.Outcome outcome = registry.registerAll();
    LOG.info("catalog: {}{}", outcome.describe(), SparkSessions.persistentCatalog(spark) ? "" : " (this session only)");
    if (record && recordable(spark, settings)) {
      RegistrationRecord.write(settings.warehouse(), registry.fingerprint());
    }
    return outcome;
  }

  private static CatalogRegistry registry(SparkSession spark, Settings settings, TableDocs docs) {
    return new CatalogRegistry(spark, Tables.at(settings.warehouse(), spark), docs, settings.catalog().database());
  }

  /**
   * Whether the embedded metastore already holds this warehouse's tables as they are now (nothing new, moved,
   * or changed in schema or docs since it registered them): then a run leaves it closed. Another process may
   * change an external metastore, so that one is always checked.
   */
  private static boolean recorded(SparkSession spark, Settings settings, TableDocs docs) {
    if (!recordable(spark, settings)
        || !RegistrationRecord.matches(settings.warehouse(), registry(spark, settings, docs).fingerprint())) {
      return false;
    }
    LOG.info("catalog: the tables in {} are registered as they are (unchanged since the last registration)",
        settings.catalog().database());
    return true;
  }

  private static boolean recordable(SparkSession spark, Settings settings) {
    return settings.catalog().metastore() == Settings.Catalog.Metastore.EMBEDDED
        && SparkSessions.persistentCatalog(spark);
  }

  private static Optional<ServeMarker.Holder> servedElsewhere(SparkSession spark, Settings settings) {
    return settings.catalog().metastore() == Settings.Catalog.Metastore.EMBEDDED
        ? ServeMarker.holder(settings.warehouse()) : Optional.empty();
  }

  /** Derby's "another instance" in plain words; other causes in one line. */
  static String explain(Throwable e, Settings settings) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("Another instance of Derby")) {
        return "the embedded metastore " + ServeMarker.catalogDir(settings.warehouse())
            + " is open in another process (a run, sql, docs or serve on this warehouse); try again when it "
            + "ends, or use catalog.metastore = external";
      }
    }
    return TradeLake.oneLine(e);
  }
}
