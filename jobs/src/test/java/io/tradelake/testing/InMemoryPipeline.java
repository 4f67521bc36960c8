package io.tradelake.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;

import io.tradelake.clean.CleanJob;
import io.tradelake.clean.CountryCodes;
import io.tradelake.clean.FxRates;
import io.tradelake.config.Settings;
import io.tradelake.config.SourceLayout;
import io.tradelake.ingest.LandingArea;
import io.tradelake.ingest.LayoutParser;
import io.tradelake.ingest.RawFile;
import io.tradelake.ingest.RawLines;
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

/** The ingest and clean transforms as the jobs compose them, without Delta tables: for tests of what follows. */
public final class InMemoryPipeline {

  private InMemoryPipeline() {}

  /** Every data line of the landing area, parsed by its layout, in bronze's columns (headers left out). */
  public static Dataset<Row> bronze(SparkSession spark, Settings s, Path input) {
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
    return bronze.select(cols.toArray(Column[]::new)).where(col("line_kind").notEqual("HEADER"));
  }

  /** Bronze rows labelled by clean (outcome, rule, typed columns), as of 2025-01-01, with the settings' FX table. */
  public static Dataset<Row> labeled(SparkSession spark, Settings s, Dataset<Row> bronze) {
    Dataset<Row> rates = FxRates.load(spark, s.fxRatesFile());
    List<String> currencies = rates.select("currency").distinct().as(Encoders.STRING()).collectAsList();
    return CleanJob.label(bronze, s, FxRates.daily(rates, s.fxMaxRateAgeDays()), currencies,
        CountryCodes.aliasFrame(spark, s.countryAliases()), LocalDate.of(2025, 1, 1), null);
  }
}
