package io.tradelake.generate;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * The pipeline's FX table, in memory: units of CNY per unit of a currency, valid from its date until the
 * next one and for at most {@code maxAgeDays}, exactly as io.tradelake.clean.FxRates applies it. The
 * generator prices in local currencies with these rates, so its CNY values are the pipeline's.
 */
final class FxTable implements Serializable {

  private final Map<String, TreeMap<LocalDate, BigDecimal>> rates;
  private final int maxAgeDays;
  private final String reportingCurrency;

  FxTable(Map<String, TreeMap<LocalDate, BigDecimal>> rates, int maxAgeDays, String reportingCurrency) {
    this.rates = rates;
    this.maxAgeDays = maxAgeDays;
    this.reportingCurrency = reportingCurrency;
  }

  /** From the rows of io.tradelake.clean.FxRates#load: date, currency, rate. */
  static FxTable of(List<Row> rows, int maxAgeDays, String reportingCurrency) {
    Map<String, TreeMap<LocalDate, BigDecimal>> rates = new HashMap<>();
    for (Row r : rows) {
      rates.computeIfAbsent(r.getString(1), c -> new TreeMap<>())
          .put(r.getDate(0).toLocalDate(), r.getDecimal(2).stripTrailingZeros());
    }
    return new FxTable(rates, maxAgeDays, reportingCurrency);
  }

  /** CNY per unit on the day; null when the table has no valid rate. */
  BigDecimal rate(String currency, LocalDate day) {
    if (currency.equals(reportingCurrency)) {
      return BigDecimal.ONE;
    }
    TreeMap<LocalDate, BigDecimal> byDate = rates.get(currency);
    if (byDate == null) {
      return null;
    }
    Map.Entry<LocalDate, BigDecimal> e = byDate.floorEntry(day);
    if (e == null || e.getKey().plusDays(maxAgeDays).isBefore(day)) {
      return null;
    }
    return e.getValue();
  }

  boolean knows(String currency) {
    return currency.equals(reportingCurrency) || rates.containsKey(currency);
  }

  /** Fails unless every currency has a valid rate on every day of the range. */
  void requireCoverage(Iterable<String> currencies, LocalDate from, LocalDate to) {
    for (String c : currencies) {
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        if (rate(c, d) == null) {
          throw new IllegalArgumentException("the FX table has no rate for " + c + " on " + d);
        }
      }
    }
  }
}
