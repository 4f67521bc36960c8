package io.tradelake.generate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much value each day carries, so that the generated logs reproduce the published series.
 *
 * <p>Targets (real RMB) come from {@code generate/cbec-retail-china-2015-2019.csv}: year total × the year's
 * export share (2015, whose split is unknown, takes 2016's). After 2019 each half-year is the same half a
 * year earlier × (1 + growth of its direction). A "calibration period" is a calendar year up to 2019 and a
 * half-year after.
 *
 * <p>A day {@code d} of period {@code P} gets, per direction {@code r},
 * {@code real(d, r) = T(P, r) × cover(P, r) × w(d, r) / Σ_{active d' in P and the range} w(d', r)}, where
 * {@code w} is the seasonality weight (weekdays, 11.11, 618, 12.12, Black Friday, Christmas, the Spring
 * Festival dip, the 2020 epidemic, growth within the year) and {@code cover(P, r)} the share of P's
 * seasonal weight inside [start, end] (1 for a whole period). Sums over a period therefore hit its target
 * exactly, whatever the seasonality and the sampled days.
 *
 * <p>The generator works in "generated CNY": {@code budget(d, r) = real(d, r) / scale}, and a day's orders
 * are priced to sum exactly to its budget. {@code scale = Σ real × (events per order) / (gross per order)
 * / events}, from the analytic expectations of the order model, rounded to 6 significant digits: it makes
 * the event count come out near the number asked for. Scaled back (× scale) the yearly gross values are
 * the series.
 */
final class Calibration implements Serializable {

  static final String SERIES = "generate/cbec-retail-china-2015-2019.csv";
  static final int EXPORT = 0;
  static final int IMPORT = 1;
  static final String[] DIRECTIONS = {Catalog.EXPORT, Catalog.IMPORT};

  /** Year → published {total, export, import} in RMB billion (export/import NaN when unknown). */
  final Map<Integer, double[]> series;
  final LocalDate start;
  final LocalDate end;
  /** Real RMB per day of the range and direction. */
  private final double[][] realPerDay;
  /** Real RMB per calibration period inside the range: period key → {export, import}. */
  final Map<Integer, double[]> periodTargets;
  final BigDecimal scale;
  /** Expected generated CNY of gross per counted order and events per counted order, per direction. */
  final double[] grossPerOrder;
  final double[] eventsPerOrder;

  private Calibration(GeneratorSettings g, Map<Integer, double[]> series) {
    this.series = series;
    this.start = g.start();
    this.end = g.end();
    int lastYear = end.getYear();
    int days = (int) (end.toEpochDay() - start.toEpochDay()) + 1;
    realPerDay = new double[days][2];
    periodTargets = new TreeMap<>();
    Map<Integer, double[]> fullTargets = new TreeMap<>(); // whole periods, real RMB
    for (int year = 2015; year <= lastYear; year++) {
      for (int half = year <= 2019 ? 0 : 1; half <= (year <= 2019 ? 0 : 2); half++) {
        int key = key(year, half);
        double[] t = new double[2];
        for (int r = 0; r < 2; r++) {
          t[r] = year <= 2019 ? yearTarget(year, r) : previousTarget(fullTargets, year, half, r)
              * (1 + (r == EXPORT ? g.growth().exportAfter2019() : g.growth().importAfter2019()));
        }
        fullTargets.put(key, t);
        LocalDate pFrom = half == 2 ? LocalDate.of(year, 7, 1) : LocalDate.of(year, 1, 1);
        LocalDate pTo = half == 1 ? LocalDate.of(year, 6, 30) : LocalDate.of(year, 12, 31);
        double[] inRange = new double[2];
        for (int r = 0; r < 2; r++) {
          double all = 0;
          double covered = 0;
          // Per month {covered weight, active weight}: in sample mode each month keeps its seasonal share of
          // the period, so halves and months (not only the period) carry the values of the full calendar.
          Map<Integer, double[]> months = new TreeMap<>();
          for (LocalDate d = pFrom; !d.isAfter(pTo); d = d.plusDays(1)) {
            double w = weight(d, r);
            all += w;
            if (!d.isBefore(start) && !d.isAfter(end)) {
              covered += w;
              double[] m = months.computeIfAbsent(d.getMonthValue(), k -> new double[2]);
              m[0] += w;
              if (active(d, g.sampleDaysPerMonth())) {
                m[1] += w;
              }
            }
          }
          double coveredWithActive = months.values().stream().filter(m -> m[1] > 0).mapToDouble(m -> m[0]).sum();
          if (coveredWithActive == 0) {
            continue;
          }
          inRange[r] = t[r] * covered / all;
          for (LocalDate d = pFrom; !d.isAfter(pTo); d = d.plusDays(1)) {
            if (!d.isBefore(start) && !d.isAfter(end) && active(d, g.sampleDaysPerMonth())) {
              double[] m = months.get(d.getMonthValue());
              realPerDay[(int) (d.toEpochDay() - start.toEpochDay())][r] =
                  inRange[r] * (m[0] / coveredWithActive) * weight(d, r) / m[1];
            }
          }
        }
        if (inRange[0] > 0 || inRange[1] > 0) {
          periodTargets.put(key, inRange);
        }
      }
    }
    grossPerOrder = new double[2];
    eventsPerOrder = new double[2];
    double expectedEventsAtScaleOne = 0;
    for (int r = 0; r < 2; r++) {
      expectations(g, r);
      double real = 0;
      for (double[] day : realPerDay) {
        real += day[r];
      }
      expectedEventsAtScaleOne += real / grossPerOrder[r] * eventsPerOrder[r];
    }
    double s = g.scaleOverride() > 0 ? g.scaleOverride() : expectedEventsAtScaleOne / g.events();
    scale = new BigDecimal(s).round(new MathContext(6));
  }

  static Calibration of(GeneratorSettings g) {
    return new Calibration(g, readSeries());
  }

  static int key(int year, int half) {
    return year * 10 + half;
  }

  static String periodName(int key) {
    return key % 10 == 0 ? Integer.toString(key / 10) : key / 10 + "-H" + key % 10;
  }

  private double yearTarget(int year, int r) {
    double[] row = series.get(year);
    if (row == null) {
      throw new IllegalStateException("no published total for " + year);
    }
    double exportShare = exportShare(year);
    return row[0] * 1e9 * (r == EXPORT ? exportShare : 1 - exportShare);
  }

  /** The year's export share of the published split; a year without one takes the next year's. */
  double exportShare(int year) {
    for (int y = year; series.containsKey(y); y++) {
      double[] row = series.get(y);
      if (!Double.isNaN(row[1]) && !Double.isNaN(row[2])) {
        return row[1] / (row[1] + row[2]);
      }
    }
    throw new IllegalStateException("no export/import split at or after " + year);
  }

  /** The same half a year earlier: for 2020, that half's seasonal share of 2019. */
  private double previousTarget(Map<Integer, double[]> full, int year, int half, int r) {
    if (year - 1 >= 2020) {
      return full.get(key(year - 1, half))[r];
    }
    double inHalf = 0;
    double all = 0;
    for (LocalDate d = LocalDate.of(year - 1, 1, 1); d.getYear() == year - 1; d = d.plusDays(1)) {
      double w = weight(d, r);
      all += w;
      if ((d.getMonthValue() <= 6) == (half == 1)) {
        inHalf += w;
      }
    }
    return full.get(key(year - 1, 0))[r] * inHalf / all;
  }

  /** Real RMB a day of the range carries in a direction (0 outside the range or on a day left out). */
  double real(LocalDate day, int r) {
    long i = day.toEpochDay() - start.toEpochDay();
    return i < 0 || i >= realPerDay.length ? 0 : realPerDay[(int) i][r];
  }

  /** Generated CNY the day's counted orders sum to. */
  double budget(LocalDate day, int r) {
    return real(day, r) / scale.doubleValue();
  }

  double totalReal(int r) {
    double t = 0;
    for (double[] d : realPerDay) {
      t += d[r];
    }
    return t;
  }

  /** Expected number of counted (not cancelled) orders in the range. */
  double expectedOrders(int r) {
    return totalReal(r) / scale.doubleValue() / grossPerOrder[r];
  }

  /** Sample mode: the days of a month that carry orders. */
  static final int[] SAMPLE_DAYS = {1, 11, 18, 25, 5, 21, 8, 14, 28};

  static boolean active(LocalDate d, int daysPerMonth) {
    if (daysPerMonth == 0) {
      return true;
    }
    for (int i = 0; i < daysPerMonth; i++) {
      if (SAMPLE_DAYS[i] == d.getDayOfMonth()) {
        return true;
      }
    }
    return false;
  }

  /** Whether the day is a shopping festival for the direction (buyers who love deals buy even more). */
  static boolean festival(LocalDate d, int r) {
    int m = d.getMonthValue();
    int day = d.getDayOfMonth();
    if ((m == 11 && day == 11) || (m == 6 && day == 18) || (m == 12 && day == 12)) {
      return true;
    }
    if (r == EXPORT && m == 11) {
      LocalDate blackFriday = d.with(TemporalAdjusters.dayOfWeekInMonth(4, DayOfWeek.THURSDAY)).plusDays(1);
      return !d.isBefore(blackFriday) && !d.isAfter(blackFriday.plusDays(3));
    }
    return false;
  }

  /** Seasonality weight of a day for a direction; only ratios within a period matter. */
  double weight(LocalDate d, int r) {
    double w = 1.0;
    DayOfWeek dow = d.getDayOfWeek();
    if (dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY) {
      w *= 1.08;
    } else if (dow == DayOfWeek.MONDAY) {
      w *= 0.97;
    }
    int m = d.getMonthValue();
    int day = d.getDayOfMonth();
    if (m == 11) {
      if (day == 11) {
        w *= r == IMPORT ? 7.0 : 4.0;
      } else if (day == 10 || day == 12) {
        w *= 1.8;
      } else if (day < 10) {
        w *= 1.25;
      }
    } else if (m == 6) {
      if (day == 18) {
        w *= r == IMPORT ? 3.5 : 2.0;
      } else if (day >= 16 && day <= 20) {
        w *= 1.5;
      } else if (day < 16) {
        w *= 1.12;
      }
    } else if (m == 12 && day == 12) {
      w *= 1.8;
    }
    if (r == EXPORT) {
      LocalDate blackFriday = LocalDate.of(d.getYear(), Month.NOVEMBER, 1)
          .with(TemporalAdjusters.dayOfWeekInMonth(4, DayOfWeek.THURSDAY)).plusDays(1);
      long fromBf = d.toEpochDay() - blackFriday.toEpochDay();
      if (fromBf == 0) {
        w *= 2.2;
      } else if (fromBf == 3) {
        w *= 1.8; // Cyber Monday
      } else if (fromBf > 0 && fromBf < 3) {
        w *= 1.4;
      } else if (m == 12 && day <= 18) {
        w *= 1.25;
      } else if (m == 12 && day >= 24) {
        w *= 0.85;
      }
    }
    LocalDate festival = Catalog.SPRING_FESTIVAL.get(d.getYear());
    if (festival != null) {
      long off = d.toEpochDay() - festival.toEpochDay();
      if (off >= -10 && off <= -4) {
        w *= 0.8;
      } else if (off >= -3 && off <= 6) {
        w *= r == IMPORT ? 0.4 : 0.5; // couriers and factories stop
      } else if (off >= 7 && off <= 12) {
        w *= 0.75;
      }
    }
    if (d.getYear() == 2020) {
      if (!d.isBefore(LocalDate.of(2020, 1, 24)) && !d.isAfter(LocalDate.of(2020, 3, 15))) {
        w *= 0.7; // the epidemic stops logistics
      } else if (m >= 4 && m <= 6) {
        w *= 1.08;
      }
    }
    double k = trend(d.getYear(), r);
    return w * StrictMath.exp(k * ((d.getDayOfYear() - 1) / (double) d.lengthOfYear() - 0.5));
  }

  /** Log growth within a year: the year's growth over the one before (capped), so months rise smoothly. */
  private double trend(int year, int r) {
    double[] now = series.get(year);
    double[] before = series.get(year - 1);
    double g;
    if (now != null && before != null) {
      g = (r == EXPORT ? share(year) : 1 - share(year)) * now[0] / ((r == EXPORT ? share(year - 1)
          : 1 - share(year - 1)) * before[0]);
    } else if (now != null) {
      g = 1.387; // 2015: the series' first growth
    } else {
      g = 1.25;
    }
    return Math.max(0, Math.min(0.6, StrictMath.log(g)));
  }

  private double share(int year) {
    return exportShare(year);
  }

  /**
   * The order model's expectations per direction: gross generated CNY per counted order and clean events
   * per counted order (its lines, its refund, and the cancelled orders generated alongside).
   */
  private void expectations(GeneratorSettings g, int r) {
    double lines = 0;
    for (int k = 0; k < Catalog.LINES_PER_ORDER.length; k++) {
      lines += (k + 1) * Catalog.LINES_PER_ORDER[k];
    }
    double qty = 0;
    for (int k = 0; k < Catalog.QUANTITIES.length; k++) {
      qty += Catalog.QUANTITIES[k] * Catalog.QUANTITY_WEIGHTS[k];
    }
    String dir = DIRECTIONS[r];
    // Markets are drawn with weight share / mean price: the expected price is the harmonic mix.
    double[] draw = Catalog.marketDrawWeights(dir);
    double drawTotal = 0;
    double price = 0;
    for (int m = 0; m < draw.length; m++) {
      drawTotal += draw[m];
      price += draw[m] * Catalog.meanPrice(dir, Catalog.markets(dir).get(m).code());
    }
    price /= drawTotal;
    double segTotal = 0;
    double gross = 0;
    double events = 0;
    for (Segment s : Segment.values()) {
      double p = s.share * s.activity;
      double cancel = s.cancelRate * g.lifecycle().cancelScale();
      double refund = s.refundRate * g.lifecycle().refundScale();
      segTotal += p;
      gross += p * lines * qty * s.quantityFactor * price * s.priceLevel;
      events += p * (lines + refund + cancel / (1 - cancel) * (lines + 1));
    }
    grossPerOrder[r] = gross / segTotal;
    eventsPerOrder[r] = events / segTotal;
  }

  static Map<Integer, double[]> readSeries() {
    try (InputStream in = Calibration.class.getClassLoader().getResourceAsStream(SERIES)) {
      if (in == null) {
        throw new IllegalStateException("no resource " + SERIES);
      }
      List<String> lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
      Map<Integer, double[]> series = new TreeMap<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        series.put(Integer.parseInt(f[0].trim()), new double[] {num(f[1]), num(f[2]), num(f[3])});
      }
      return series;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double num(String s) {
    return s.isBlank() ? Double.NaN : Double.parseDouble(s.trim());
  }
}
