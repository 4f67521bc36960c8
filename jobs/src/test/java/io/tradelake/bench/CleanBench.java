package io.tradelake.bench;

import static org.apache.spark.sql.functions.col;

import io.tradelake.clean.ChannelMapper;
import io.tradelake.clean.CleanJob;
import io.tradelake.clean.CountryCodes;
import io.tradelake.clean.EventClassifier;
import io.tradelake.clean.EventTyper;
import io.tradelake.clean.FxRates;
import io.tradelake.clean.Pseudonymizer;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.Settings;
import io.tradelake.runtime.SparkSessions;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/** Clean's label pass cut after each step, each to a no-op sink: {@code java … CleanBench <warehouse>}. */
public final class CleanBench {

  private CleanBench() {}

  private static void timeIf(List<String> steps, String step, java.util.function.Supplier<Dataset<Row>> ds) {
    if (steps.contains(step)) {
      AggregateBench.time(step, ds.get());
    }
  }

  public static void main(String[] args) {
    Settings s = Settings.from(ConfigLoader.load("local", Optional.empty(), List.of("warehouse=" + args[0])));
    SparkSession spark = SparkSessions.create(s);
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("sql."))
        .forEach(k -> spark.conf().set("spark." + k, System.getProperty(k)));
    try {
      Dataset<Row> bronze = spark.read().format("delta").load(args[0] + "/bronze_events")
          .where(col("line_kind").notEqual("HEADER"));
      Dataset<Row> rates = FxRates.load(spark, s.fxRatesFile());
      List<String> currencies = rates.select("currency").distinct().as(Encoders.STRING()).collectAsList();
      Dataset<Row> daily = FxRates.daily(rates, s.fxMaxRateAgeDays());
      Dataset<Row> countries = CountryCodes.aliasFrame(spark, s.countryAliases());
      Function<Dataset<Row>, Dataset<Row>> dedup = d -> CleanJob.deduplicated(d, null);
      Function<Dataset<Row>, Dataset<Row>> typed = d -> dedup.apply(d)
          .transform(x -> EventTyper.type(x, s.layouts().values()))
          .transform(x -> EventClassifier.eventDate(x, s.reportingTimeZone()));
      Function<Dataset<Row>, Dataset<Row>> joined = d -> typed.apply(d).withColumn("fx_day", col("event_date"))
          .transform(x -> FxRates.convert(x, daily, s.reportingCurrency(), currencies))
          .transform(x -> CountryCodes.normalise(x, countries, "buyer_country", "buyer_country_iso"))
          .transform(x -> CountryCodes.normalise(x, countries, "seller_country", "seller_country_iso"));
      Function<Dataset<Row>, Dataset<Row>> channels = d -> joined.apply(d).transform(x -> ChannelMapper.map(x, s.channels()));
      // -Dbench.passes=1 -Dbench.steps=dedup,persisted: fewer passes and steps for large inputs. A step name's
      // space may be written as '_' (for_writes), for launchers that split options on spaces.
      int passes = Integer.getInteger("bench.passes", 2);
      List<String> steps = List.of(System.getProperty("bench.steps",
          "scan,dedup,typed,joined,channels,label,for writes,persisted").replace('_', ' ').split(","));
      for (int i = 0; i < passes; i++) {
        timeIf(steps, "scan", () -> bronze);
        timeIf(steps, "dedup", () -> dedup.apply(bronze));
        timeIf(steps, "typed", () -> typed.apply(bronze));
        timeIf(steps, "joined", () -> joined.apply(bronze));
        timeIf(steps, "channels", () -> channels.apply(bronze));
        Dataset<Row> label = CleanJob.label(bronze, s, daily, currencies, countries, LocalDate.of(2025, 1, 1), null);
        timeIf(steps, "label", () -> label);
        Dataset<Row> forWrites = CleanJob.forWrites(label, "bench", new Pseudonymizer("k"));
        timeIf(steps, "for writes", () -> forWrites);
        if (!steps.contains("persisted")) {
          continue;
        }
        // Kept as clean keeps them; -Dbench.storage=MEMORY_AND_DISK (or another level) to compare.
        String storage = System.getProperty("bench.storage");
        Dataset<Row> kept = forWrites.persist(storage == null ? CleanJob.LABELLED_ROWS_STORAGE
            : StorageLevel.fromString(storage));
        long t = System.nanoTime();
        kept.groupBy("outcome", "quarantine_rule").count().collectAsList();
        System.out.printf("aggbench: %-14s %.2f s%n", "persisted", (System.nanoTime() - t) / 1e9);
        AggregateBench.time("silver rows", kept.where(col("outcome").equalTo("SILVER")).select("s.*"));
        kept.unpersist(true);
      }
    } finally {
      spark.stop();
    }
  }
}
