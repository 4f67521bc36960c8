package io.tradelake.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;

import io.tradelake.clean.CleanJob;
import io.tradelake.clean.CountryCodes;
import io.tradelake.clean.FxRates;
import io.tradelake.clean.Pseudonymizer;
import io.tradelake.config.Settings;
import io.tradelake.config.SourceLayout;
import io.tradelake.generate.GeneratorSettings;
import io.tradelake.generate.TradeLogGenerator;
import io.tradelake.ingest.LandingArea;
import io.tradelake.ingest.LayoutParser;
import io.tradelake.ingest.RawFile;
import io.tradelake.ingest.RawLines;
import io.tradelake.table.Tables;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Generator output with its planted buyer segments, turned into a silver_events Delta table by the
 * pipeline's own ingest and clean transforms (without bronze): the input of the buyer models in tests.
 */
final class GeneratedSilver {

  private GeneratedSilver() {}

  /** Clean generator output (no dirt) for the range; returns the landing root (truth in _truth/). */
  static Path generate(SparkSession spark, Settings s, Path input, long events, LocalDate from, LocalDate to,
      long seed) {
    GeneratorSettings g = GeneratorSettings.defaults().withRange(from, to).withEvents(events).withSeed(seed)
        .withPartitions(2).withSampleDaysPerMonth(4).withDirt(GeneratorSettings.Dirt.none());
    TradeLogGenerator.run(spark, g, s, input.toString(), false);
    return input;
  }

  /** Ingest and clean, as the jobs do, into {@code <warehouse>/silver_events}. */
  static void writeSilver(SparkSession spark, Settings s, Path input, Tables tables) {
    List<RawFile> files = LandingArea.list(input.toString(), s.layouts().keySet(),
        spark.sparkContext().hadoopConfiguration()).files();
    Map<String, List<String>> byLayout = files.stream().collect(Collectors.groupingBy(RawFile::layout, TreeMap::new,
        Collectors.mapping(RawFile::path, Collectors.toList())));
    Dataset<Row> bronze = null;
    for (Map.Entry<String, List<String>> e : byLayout.entrySet()) {
      Dataset<Row> part = RawLines.read(spark, e.getValue()).transform(RawLines::numbered)
          .transform(new LayoutParser(s.layouts().get(e.getKey()))::parse);
      bronze = bronze == null ? part : bronze.unionByName(part);
    }
    List<Column> cols = new ArrayList<>(List.of(lit("test-run").as("ingest_run_id"), lit(1L).as("ingest_batch"),
        lit(Timestamp.valueOf("2025-01-01 00:00:00")).as("ingested_at"), col("layout"), col("source_file"),
        regexp_extract(col("source_file"), "/(\\d{4}-\\d{2}-\\d{2})/[^/]+$", 1).cast("date").as("source_day"),
        col("line_number"), col("line_kind"), col("raw_line"), col("parse_error")));
    SourceLayout.CANONICAL_FIELDS.forEach(f -> cols.add(col(f)));
    Dataset<Row> data = bronze.select(cols.toArray(Column[]::new)).where(col("line_kind").notEqual("HEADER"));
    Dataset<Row> rates = FxRates.load(spark, s.fxRatesFile());
    List<String> currencies = rates.select("currency").distinct().as(Encoders.STRING()).collectAsList();
    Dataset<Row> labeled = CleanJob.label(data, s, FxRates.daily(rates, s.fxMaxRateAgeDays()), currencies,
        CountryCodes.aliasFrame(spark, s.countryAliases()), LocalDate.of(2025, 1, 1), null);
    Dataset<Row> silver = CleanJob.silver(labeled.where(col("outcome").equalTo("SILVER")), "test-run",
        new Pseudonymizer(s.pseudonymKey()));
    tables.overwrite(silver, Tables.SILVER, "event_year");
  }

  /** The planted truth: pseudonymised buyer id (as silver has it) → segment. */
  static Dataset<Row> truth(SparkSession spark, Settings s, Path input) {
    return spark.read().option("header", "true")
        .csv(input.resolve(TradeLogGenerator.TRUTH).resolve(TradeLogGenerator.BUYERS).toString())
        .select(new Pseudonymizer(s.pseudonymKey()).pseudonym(col("buyer_id")).as("buyer_id"), col("segment"));
  }
}
