package io.tradelake.cli;

import io.tradelake.config.Settings;
import io.tradelake.table.Tables;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tradelake sql}: queries the warehouse's tables by name ({@code tradelake.growth_by_market} from the
 * catalog, or bare {@code growth_by_market}), from an argument, a file, or an interactive prompt.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Query the warehouse's tables with Spark SQL.",
        "tradelake sql \"<query>\", tradelake sql -f file.sql, or an interactive prompt (statements end with ';').",
        "Tables are in the catalog database tradelake",
        "(also by bare name), e.g. SELECT period, gross_value FROM tradelake.growth_by_market",
        "WHERE period_type = 'year' AND direction = 'TOTAL'",
        "AND market = 'ALL' ORDER BY period"})
final class SqlCommand implements Callable<Integer> {

  enum Format { table, csv, json }

  @Mixin JobOptions options = new JobOptions();
  @Parameters(arity = "0..1", paramLabel = "<query>", description = "The query (or statements separated by ';').")
  String query;
  @Option(names = {"-f", "--file"}, paramLabel = "<file.sql>", description = "Read the statements from a file.")
  Path file;
  @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
  Format format;
  @Option(names = "--max-rows", defaultValue = "1000",
      description = "Print at most this many rows of a result (default: ${DEFAULT-VALUE}).")
  int maxRows;

  final TradeLake root;

  SqlCommand(TradeLake root) {
    this.root = root;
  }

  @Override
  public Integer call() throws IOException {
    if (query != null && file != null) {
      throw new IllegalArgumentException("give a query or -f <file>, not both");
    }
    if (file != null && !Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such file: " + file);
    }
    Settings settings = PipelineRunner.readerSettings(options);
    SparkSession spark = root.sessions().open(settings);
    try {
      Tables tables = Tables.at(settings.warehouse(), spark);
      Cataloging.requireTables(spark, settings);
      Cataloging.forQueries(spark, settings);
      List<String> views = registerViews(spark, tables);
      if (query != null || file != null) {
        String text = query != null ? query : Files.readString(file, StandardCharsets.UTF_8);
        for (String statement : statements(text)) {
          print(spark.sql(statement), root.out());
        }
        return 0;
      }
      return prompt(spark, views);
    } finally {
      root.sessions().close(spark);
    }
  }

  /**
   * Each table directory under the warehouse that is a Delta table also becomes a temporary view of its bare
   * name, so {@code growth_by_market} and {@code tradelake.growth_by_market} both work.
   */
  static List<String> registerViews(SparkSession spark, Tables tables) {
    List<String> names = new ArrayList<>();
    for (String t : OpsCommands.ALL_TABLES) {
      if (tables.exists(t)) {
        tables.read(t).createOrReplaceTempView(t);
        names.add(t);
      }
    }
    return names;
  }

  /** Splits on ';' outside quotes; blank statements are dropped. */
  static List<String> statements(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (char c : text.toCharArray()) {
      if (quote == 0 && (c == '\'' || c == '"' || c == '`')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      }
      if (c == ';' && quote == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  void print(Dataset<Row> result, PrintStream out) {
    Dataset<Row> shown = result.limit(maxRows);
    switch (format) {
      case csv -> {
        out.println(String.join(",", result.columns()));
        for (Row r : shown.collectAsList()) {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < r.length(); i++) {
            cells.add(csvCell(r.isNullAt(i) ? "" : r.get(i).toString()));
          }
          out.println(String.join(",", cells));
        }
      }
      case json -> shown.toJSON().collectAsList().forEach(out::println);
      default -> out.print(table(result.columns(), shown.collectAsList()));
    }
  }

  /** An aligned text table; numbers right-aligned, null shown as NULL. */
  static String table(String[] columns, List<Row> rows) {
    int[] width = new int[columns.length];
    List<String[]> cells = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      width[i] = columns[i].length();
    }
    boolean[] numeric = new boolean[columns.length];
    java.util.Arrays.fill(numeric, true);
    for (Row r : rows) {
      String[] c = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        Object v = r.isNullAt(i) ? null : r.get(i);
        c[i] = v == null ? "NULL" : v.toString();
        numeric[i] &= v == null || v instanceof Number;
        width[i] = Math.max(width[i], c[i].length());
      }
      cells.add(c);
    }
    StringBuilder b = new StringBuilder();
    line(b, columns, width, new boolean[columns.length]);
    String[] rule = new String[columns.length];
    for (int i = 0; i < columns.length; i++) {
      rule[i] = "-".repeat(width[i]);
    }
    line(b, rule, width, new boolean[columns.length]);
    for (String[] c : cells) {
      line(b, c, width, numeric);
    }
    b.append("(").append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").append('\n');
    return b.toString();
  }

  private static void line(StringBuilder b, String[] cells, int[] width, boolean[] right) {
    for (int i = 0; i < cells.length; i++) {
      String pad = " ".repeat(width[i] - cells[i].length());
      b.append(i == 0 ? "" : "  ").append(right[i] ? pad + cells[i] : cells[i] + (i == cells.length - 1 ? "" : pad));
    }
    b.append('\n');
  }

  static String csvCell(String v) {
    return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }

  private int prompt(SparkSession spark, List<String> views) throws IOException {
    PrintStream out = root.out();
    out.println("tables: " + String.join(", ", views));
    out.println("end statements with ';', quit with an empty line after 'exit;' or end of input");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder pending = new StringBuilder();
    out.print("tradelake> ");
    for (String line; (line = in.readLine()) != null; ) {
      pending.append(line).append('\n');
      if (line.trim().endsWith(";")) {
        for (String statement : statements(pending.toString())) {
          if (statement.equalsIgnoreCase("exit") || statement.equalsIgnoreCase("quit")) {
            return 0;
          }
          try {
            print(spark.sql(statement), out);
          } catch (Exception e) { // a bad query is reported and the prompt goes on
            out.println("error: " + TradeLake.oneLine(e));
          }
        }
        pending.setLength(0);
      }
      out.print(pending.isEmpty() ? "tradelake> " : "        -> ");
    }
    return 0;
  }
}
