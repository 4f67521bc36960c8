package io.tradelake.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;

import io.tradelake.config.Settings;
import io.tradelake.table.CatalogRegistry;
import io.tradelake.table.StageSettings;
import io.tradelake.table.TableDocs;
import io.tradelake.table.Tables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tradelake docs}: the data dictionary (Markdown) of every table and column, from the catalog. */
@Command(name = "docs", mixinStandardHelpOptions = true,
    description = {"Write a data dictionary (Markdown) of the warehouse's tables.",
        "Every table of the catalog database with its description, row count and columns (type, unit, currency,",
        "definition), and the last run's ledger."})
final class DocsCommand implements Callable<Integer> {

  /** The last run's ledger has a row per stage and table: far fewer than this. */
  private static final int MAX_METRIC_ROWS = 500;

  @Mixin JobOptions options = new JobOptions();
  @Option(names = {"-o", "--output"}, defaultValue = "data-dictionary.md", paramLabel = "<file.md>",
      description = "Where to write it (default: ${DEFAULT-VALUE}).")
  Path output;

  final TradeLake root;

  DocsCommand(TradeLake root) {
    this.root = root;
  }

  @Override
  public Integer call() throws IOException {
    Settings settings = PipelineRunner.readerSettings(options);
    SparkSession spark = root.sessions().open(settings);
    try {
      Cataloging.requireTables(spark, settings);
      CatalogRegistry.Outcome catalog = Cataloging.forQueries(spark, settings);
      String markdown = render(spark, settings, catalog);
      Path parent = output.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(output, markdown, StandardCharsets.UTF_8);
      root.out().println("wrote " + output + " (" + catalog.registered().size() + " tables)");
      return 0;
    } finally {
      root.sessions().close(spark);
    }
  }

  static String render(SparkSession spark, Settings settings, CatalogRegistry.Outcome catalog) {
    String db = catalog.database();
    // The warehouse as it is: the currency and time zone silver was cleaned with, whatever this command's.
    Map<String, String> silver = StageSettings.ofSilver(Tables.at(settings.warehouse(), spark))
        .map(StageSettings::values).orElse(Map.of());
    String currency = silver.getOrDefault("reporting-currency", settings.reportingCurrency());
    TableDocs docs = TableDocs.inCurrency(currency);
    StringBuilder md = new StringBuilder();
    md.append("# TradeLake data dictionary\n\n")
        .append("Warehouse `").append(Tables.absolute(settings.warehouse())).append("`, catalog database `")
        .append(db).append("`, written ").append(Instant.now()).append(". Money is in ")
        .append(currency).append("; periods are cut in ")
        .append(silver.getOrDefault("reporting-time-zone", settings.reportingTimeZone()))
        .append(".\n\n| table | layer | rows | description |\n| --- | --- | ---: | --- |\n");
    StringBuilder details = new StringBuilder();
    for (String table : catalog.registered()) {
      String name = db + "." + table;
      String description = spark.sql("DESCRIBE DETAIL " + name).select("description").first().getString(0);
      long rows = spark.table(name).count();
      md.append("| [`").append(name).append("`](#").append(table).append(") | ").append(docs.table(table).layer())
          .append(" | ").append(rows).append(" | ").append(cell(description)).append(" |\n");
      details.append("\n## ").append(table).append("\n\n`").append(name).append("` (")
          .append(docs.table(table).layer()).append(", ").append(rows).append(" rows): ")
          .append(description == null ? "" : description).append("\n\n| column | type | description |\n")
          .append("| --- | --- | --- |\n");
      for (StructField f : spark.table(name).schema().fields()) {
        details.append("| `").append(f.name()).append("` | ").append(f.dataType().simpleString()).append(" | ")
            .append(cell(f.getComment().getOrElse(() -> ""))).append(" |\n");
      }
    }
    md.append(details);
    md.append(lastRun(spark, db, catalog));
    return md.toString();
  }

  private static String lastRun(SparkSession spark, String db, CatalogRegistry.Outcome catalog) {
    if (!catalog.registered().contains(Tables.RUN_METRICS)) {
      return "\n## Last run\n\nNo run yet.\n";
    }
    var metrics = spark.table(db + "." + Tables.RUN_METRICS);
    Row last = metrics.orderBy(desc("run_started_at")).select("run_id").first();
    List<Row> rows = metrics.where(col("run_id").equalTo(last.getString(0)))
        .orderBy("run_started_at", "duration_ms").limit(MAX_METRIC_ROWS)
        .select("stage", "table_name", "rows_in", "rows_out", "rows_quarantined", "duplicates_removed",
            "duration_ms", "balanced").collectAsList();
    StringBuilder md = new StringBuilder("\n## Last run\n\nRun `").append(last.getString(0))
        .append("`: rows_in = rows_out + rows_quarantined + duplicates_removed at every stage.\n\n")
        .append("| stage | table | rows_in | rows_out | quarantined | duplicates | seconds | balanced |\n")
        .append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Row r : rows) {
      md.append("| ").append(r.getString(0)).append(" | ").append(r.getString(1));
      for (int i = 2; i < 6; i++) {
        md.append(" | ").append(r.getLong(i));
      }
      md.append(" | ").append(String.format("%.1f", r.getLong(6) / 1000.0)).append(" | ").append(r.getBoolean(7))
          .append(" |\n");
    }
    return md.toString();
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
  }
}
