package io.tradelake.model;

import static org.apache.spark.sql.functions.col;

import io.tradelake.clean.CleanJob;
import io.tradelake.clean.Pseudonymizer;
import io.tradelake.config.Settings;
import io.tradelake.generate.GeneratorSettings;
import io.tradelake.generate.TradeLogGenerator;
import io.tradelake.table.Tables;
import io.tradelake.testing.InMemoryPipeline;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
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
    Dataset<Row> labeled = InMemoryPipeline.labeled(spark, s, InMemoryPipeline.bronze(spark, s, input));
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
