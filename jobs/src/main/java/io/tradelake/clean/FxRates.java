package io.tradelake.clean;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.tradelake.config.SettingsException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The dated FX table: a rate applies from its date until the next one, for at most
 * {@code max-rate-age-days}. Expanded to one row per currency and day, so conversion is an equi-join.
 */
public final class FxRates {

  /** Up to 999999 units of reporting currency per unit, 10 decimals: see {@link CleanJob#silver} for why. */
  public static final String RATE_TYPE = "decimal(16,10)";
  static final BigDecimal MAX_RATE = new BigDecimal("1000000");
  public static final StructType SCHEMA = new StructType()
      .add("date", DataTypes.DateType, false)
      .add("currency", DataTypes.StringType, false)
      .add("rate", DataTypes.createDecimalType(16, 10), false);

  private FxRates() {}

  /** Reads {@code classpath:<resource>} or a path Spark can read (CSV with header date,currency,rate). */
  public static Dataset<Row> load(SparkSession spark, String location) {
    if (location.startsWith("classpath:")) {
      String resource = location.substring("classpath:".length());
      try (InputStream in = FxRates.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new SettingsException("fx.rates-file: no resource " + resource + " in the application jar");
        }
        return spark.createDataFrame(parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
            .lines().toList(), location), SCHEMA);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return spark.read().schema(SCHEMA).option("header", "true").option("mode", "FAILFAST").csv(location);
  }

  static List<Row> parse(List<String> lines, String origin) {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) { // line 0 is the header
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(",");
      try {
        BigDecimal rate = new BigDecimal(f[2].trim());
        if (f.length != 3 || rate.signum() <= 0 || rate.compareTo(MAX_RATE) >= 0 || rate.scale() > 10
            || !f[1].trim().matches("[A-Z]{3}")) {
          throw new IllegalArgumentException();
        }
        rows.add(RowFactory.create(Date.valueOf(LocalDate.parse(f[0].trim())), f[1].trim(), rate));
      } catch (RuntimeException e) {
        throw new SettingsException(origin + " line " + (i + 1) + ": expected date,currency,rate (0 < rate < 1000000, at most 10 decimals): " + line);
      }
    }
    return rows;
  }

  /**
   * What the table holds: its currencies, and a description of its rates (their number, dates and a checksum
   * of the rows) that changes when a rate does, whatever the file is called. Clean records the description
   * with the rows it converts, so a corrected table under the same name is seen as a change. One Spark job,
   * the one that finds the currencies.
   */
  public record Contents(List<String> currencies, String description) {}

  /** {@link Contents} of {@code rates} (as {@link #load} reads them). */
  public static Contents contents(Dataset<Row> rates) {
    // The sum of the rows' hashes does not depend on their order; as a decimal it cannot overflow.
    Row r = rates.agg(sort_array(collect_set(col("currency"))), count(lit(1)), min(col("date")), max(col("date")),
        sum(xxhash64(col("date"), col("currency"), col("rate")).cast("decimal(38,0)"))).first();
    List<String> currencies = r.getList(0);
    String description = r.getLong(1) == 0 ? "no rates"
        : r.getLong(1) + " rates of " + currencies.size() + " currencies, " + r.getDate(2) + " to " + r.getDate(3)
        + ", checksum " + Long.toHexString(r.getDecimal(4).toBigInteger().longValue());
    return new Contents(List.copyOf(currencies), description);
  }

  /** {@code date, currency, rate} → {@code fx_currency, fx_date, fx_rate}: one row per day a rate is valid. */
  public static Dataset<Row> daily(Dataset<Row> rates, int maxAgeDays) {
    Column lastDay = date_add(col("date"), maxAgeDays);
    Column next = lead(col("date"), 1).over(Window.partitionBy("currency").orderBy("date"));
    Column validTo = when(next.isNull(), lastDay).otherwise(least(date_sub(next, 1), lastDay));
    return rates
        .withColumn("valid_to", validTo)
        .select(col("currency").as("fx_currency"),
            explode(sequence(col("date"), col("valid_to"))).as("fx_date"),
            col("rate").cast(RATE_TYPE).as("fx_rate"));
  }

  /** Adds {@code fx_rate}: units of the reporting currency per unit of {@code currency_t} on {@code fx_day}. */
  public static Dataset<Row> convert(Dataset<Row> events, Dataset<Row> dailyRates, String reportingCurrency,
      List<String> knownCurrencies) {
    Dataset<Row> joined = events.join(broadcast(dailyRates),
        col("currency_t").equalTo(col("fx_currency")).and(col("fx_day").equalTo(col("fx_date"))), "left");
    return joined
        .withColumn("fx_rate", when(col("currency_t").equalTo(reportingCurrency), lit(BigDecimal.ONE).cast(RATE_TYPE))
            .otherwise(col("fx_rate")))
        .withColumn("currency_known", col("currency_t").isin((Object[]) knownCurrencies.toArray(String[]::new))
            .or(col("currency_t").equalTo(reportingCurrency)))
        .drop("fx_currency", "fx_date");
  }
}
