package io.tradelake.generate;

import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.runtime.SparkSessions;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tradelake generate}: writes a synthetic landing area (both source layouts, with dirt) calibrated to
 * the published series, and its ground truth under {@code <output>/_truth/}.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Generate synthetic raw logs: <output>/<layout>/<yyyy-mm-dd>/<file>, calibrated to China's "
        + "cross-border e-commerce retail series 2015-2019 (and H1 2020 growth), with planted dirt counted in "
        + "<output>/_truth/manifest.json and buyer segments in <output>/_truth/buyers.csv.",
        "The same --seed gives byte-identical files whatever --partitions."})
public final class GenerateCommand implements Callable<Integer> {

  /** Exit code when --scale-check finds a yearly total off the series. */
  static final int SCALE_CHECK_FAILED = 1;
  /** Tolerance of --scale-check, in percent. */
  static final double SCALE_CHECK_TOLERANCE_PCT = 0.5;

  @Spec CommandSpec spec;

  @Option(names = "--env", defaultValue = "local", paramLabel = "<name>",
      description = "Environment: selects conf/<name>.conf for Spark and FX settings (default: ${DEFAULT-VALUE}).")
  String env;

  @Option(names = "--output", required = true, paramLabel = "<dir>", description = "Root of the landing area to write.")
  String output;

  @Option(names = "--events", defaultValue = "100000", paramLabel = "<n>",
      description = "Clean events wanted (order lines, refunds, cancellations); lands within a few percent "
          + "(default: ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "<n>", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--start", defaultValue = "2015-01-01", paramLabel = "<yyyy-mm-dd>",
      description = "First day (default: ${DEFAULT-VALUE}).")
  LocalDate start;

  @Option(names = "--end", defaultValue = "2020-06-30", paramLabel = "<yyyy-mm-dd>",
      description = "Last day (default: ${DEFAULT-VALUE}).")
  LocalDate end;

  @Option(names = "--partitions", defaultValue = "0", paramLabel = "<n>",
      description = "Spark partitions (default: the session's parallelism). Does not change the output.")
  int partitions;

  @Option(names = "--days-per-month", defaultValue = "0", paramLabel = "<n>",
      description = "Sample mode: orders on only n days of each month (1..9; 0: every day). Period totals "
          + "are unchanged; fewer, larger day folders.")
  int daysPerMonth;

  @Option(names = "--no-dirt", description = "Write clean data only: no dirty lines, duplicates or variations.")
  boolean noDirt;

  @Option(names = "--overwrite", description = "Clear the generator's folders under --output first.")
  boolean overwrite;

  @Option(names = "--scale-check",
      description = "After writing, compare each full calibration period's scaled gross value with the "
          + "published series; fail (exit 1) if one is off by more than 0.5%%.")
  boolean scaleCheck;

  private final Function<Settings, SparkSession> open;
  private final Consumer<SparkSession> close;

  /** Builds its own session from the environment's settings and stops it when done. */
  public GenerateCommand() {
    this(SparkSessions::create, SparkSession::stop);
  }

  /** For callers that own the session (tests): {@code close} is called when the command ends. */
  GenerateCommand(Function<Settings, SparkSession> open, Consumer<SparkSession> close) {
    this.open = open;
    this.close = close;
  }

  /** Runs the command on its own, before (or besides) its registration under {@code tradelake}. */
  public static void main(String[] args) {
    System.exit(new picocli.CommandLine(new GenerateCommand()).execute(args));
  }

  GeneratorSettings generatorSettings() {
    GeneratorSettings g = GeneratorSettings.defaults().withRange(start, end).withEvents(events).withSeed(seed)
        .withPartitions(partitions).withSampleDaysPerMonth(daysPerMonth);
    return noDirt ? g.withDirt(GeneratorSettings.Dirt.none()) : g;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
    GeneratorSettings g = generatorSettings();
    Settings settings = Settings.from(ConfigLoader.load(env, Optional.empty(), List.of()));
    SparkSession spark = open.apply(settings);
    TradeLogGenerator.Result result;
    try {
      result = TradeLogGenerator.run(spark, g, settings, output, overwrite);
    } finally {
      close.accept(spark);
    }
    out.printf("generate: wrote %s%n", result.output());
    out.printf("  clean events  %,d (asked for %,d)%n", result.cleanEvents(), g.events());
    out.printf("  lines         %,d (headers, duplicates and dirt included)%n", result.lines());
    out.printf("  files         %,d%n", result.files());
    out.printf("  bytes         %,d%n", result.bytes());
    out.printf("  time          %.1f s%n", result.millis() / 1000.0);
    out.printf("  scale factor  %s RMB per generated CNY%n", result.scale().toPlainString());
    out.printf("  ground truth  %s/%s/{%s,%s}%n", result.output(), TradeLogGenerator.TRUTH, TradeLogGenerator.MANIFEST,
        TradeLogGenerator.BUYERS);
    out.flush();
    return scaleCheck ? scaleCheck(result.manifest(), out) : 0;
  }

  /** Prints each calibration period against its target; 1 if any is off by more than the tolerance. */
  @SuppressWarnings("unchecked")
  static int scaleCheck(Map<String, Object> manifest, PrintWriter out) {
    boolean ok = true;
    out.println("scale check (scaled gross vs the published series, RMB bn):");
    for (String group : List.of("gross_by_year", "gross_by_half")) {
      Map<String, Object> periods = (Map<String, Object>) manifest.get(group);
      for (Map.Entry<String, Object> p : periods.entrySet()) {
        Map<String, Object> entry = (Map<String, Object>) p.getValue();
        for (String dir : List.of(Catalog.EXPORT, Catalog.IMPORT, "TOTAL")) {
          Map<String, Object> d = (Map<String, Object>) entry.get(dir);
          if (d == null || d.get("target_rmb") == null) {
            continue;
          }
          BigDecimal scaled = (BigDecimal) d.get("scaled_gross_rmb");
          BigDecimal target = (BigDecimal) d.get("target_rmb");
          BigDecimal dev = (BigDecimal) d.get("deviation_pct");
          boolean fine = dev != null && dev.abs().doubleValue() <= SCALE_CHECK_TOLERANCE_PCT;
          ok &= fine;
          out.printf("  %-8s %-6s %10s %10s %+9.4f%% %s%n", p.getKey(), dir, bn(scaled), bn(target),
              dev == null ? 0 : dev.doubleValue(), fine ? "ok" : "OFF");
        }
      }
    }
    out.flush();
    return ok ? 0 : SCALE_CHECK_FAILED;
  }

  private static String bn(BigDecimal rmb) {
    return rmb.movePointLeft(9).setScale(3, RoundingMode.HALF_UP).toPlainString();
  }
}
