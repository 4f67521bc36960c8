package io.tradelake.generate;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;

/**
 * The buyers: Chinese buyers (group 0, who import) and buyers abroad (one group per export market). A
 * buyer is an index; everything about it (group, segment, cohort, birth year, when it lapses) follows from
 * the index and the seed, so any task can look any buyer up without a shared table.
 *
 * <p>Indexes are laid out in blocks per (group, segment, cohort). Within a block birth years rise with the
 * index, so the buyers old enough to buy in a given year are a prefix of the block.
 */
final class BuyerPopulation implements Serializable {

  /** A buyer as the logs and the truth file show it. */
  record Buyer(long index, String id, String country, int birthYear, int cohort, Segment segment,
      LocalDate lapsesAfter) {}

  private final long seed;
  private final String[] groupCountry;
  /** [group][segment][cohort]: first index and size of the block. */
  private final long[][][] offset;
  private final long[][][] size;
  private final long total;
  private final LocalDate start;
  private final long lapseSpanDays;

  private BuyerPopulation(long seed, String[] groupCountry, long[][][] offset, long[][][] size, long total,
      LocalDate start, long lapseSpanDays) {
    this.seed = seed;
    this.groupCountry = groupCountry;
    this.offset = offset;
    this.size = size;
    this.total = total;
    this.start = start;
    this.lapseSpanDays = lapseSpanDays;
  }

  /**
   * Sized from the expected orders: about 7 orders per Chinese buyer and 4 per buyer abroad over the range
   * (more for frequent segments, fewer for occasional ones).
   */
  static BuyerPopulation of(GeneratorSettings g, Calibration cal) {
    List<Catalog.Market> markets = Catalog.EXPORT_MARKETS;
    int groups = 1 + markets.size();
    String[] country = new String[groups];
    double[] groupBuyers = new double[groups];
    country[0] = Catalog.HOME;
    groupBuyers[0] = Math.max(40, cal.expectedOrders(Calibration.IMPORT) / 7.0);
    double abroad = Math.max(4.0 * markets.size(), cal.expectedOrders(Calibration.EXPORT) / 4.0);
    double weightTotal = markets.stream().mapToDouble(Catalog.Market::weight).sum();
    for (int m = 0; m < markets.size(); m++) {
      country[m + 1] = markets.get(m).code();
      groupBuyers[m + 1] = abroad * markets.get(m).weight() / weightTotal;
    }
    Segment[] segments = Segment.values();
    int cohorts = Segment.COHORTS.length;
    long[][][] offset = new long[groups][segments.length][cohorts];
    long[][][] size = new long[groups][segments.length][cohorts];
    long next = 0;
    for (int gr = 0; gr < groups; gr++) {
      for (int s = 0; s < segments.length; s++) {
        for (int c = 0; c < cohorts; c++) {
          offset[gr][s][c] = next;
          size[gr][s][c] = Math.max(1, Math.round(groupBuyers[gr] * segments[s].share * segments[s].cohortMix[c]));
          next += size[gr][s][c];
        }
      }
    }
    long span = (long) ((g.end().toEpochDay() - g.start().toEpochDay() + 1) * 1.6);
    return new BuyerPopulation(g.seed(), country, offset, size, next, g.start(), span);
  }

  long size() {
    return total;
  }

  int groups() {
    return groupCountry.length;
  }

  /** Group of an export market (by its position in {@link Catalog#EXPORT_MARKETS}). */
  static int abroadGroup(int marketIndex) {
    return marketIndex + 1;
  }

  /** Share of a block old enough (≥ 16) to buy in the year: weights the cohort draw. */
  double eligibleShare(int group, Segment s, int cohort, int year) {
    long n = size[group][s.ordinal()][cohort];
    return n == 0 ? 0 : eligible(n, cohort, year) / (double) n;
  }

  private static long eligible(long n, int cohort, int year) {
    int span = Segment.COHORT_TO[cohort] - Segment.COHORT_FROM[cohort] + 1;
    long k = year - Segment.MIN_BUYER_AGE - Segment.COHORT_FROM[cohort] + 1; // birth-year steps allowed
    if (k <= 0) {
      return 0;
    }
    return Math.min(n, (k * n + span - 1) / span);
  }

  /**
   * A buyer of the block old enough to buy on the day; buyers of a lapsing segment who have lapsed are
   * drawn again (a few times), so they fade out of the logs.
   */
  long pick(Rng rng, int group, Segment s, int cohort, LocalDate day) {
    long n = size[group][s.ordinal()][cohort];
    long ok = Math.max(1, eligible(n, cohort, day.getYear()));
    long first = offset[group][s.ordinal()][cohort];
    long chosen = first + (long) (rng.nextDouble() * ok);
    for (int attempt = 0; attempt < 6 && s.lapses; attempt++) {
      LocalDate lapse = lapsesAfter(chosen);
      if (lapse == null || !day.isAfter(lapse)) {
        break;
      }
      chosen = first + (long) (rng.nextDouble() * ok);
    }
    return chosen;
  }

  private LocalDate lapsesAfter(long index) {
    return start.plusDays(90 + (long) (Rng.unit(seed, 0xB0FFL, index) * lapseSpanDays));
  }

  /** The buyer at an index of the block (group, segment, cohort): O(1), as drawn by {@link #pick}. */
  Buyer buyer(int group, Segment s, int cohort, long index) {
    long first = offset[group][s.ordinal()][cohort];
    long n = size[group][s.ordinal()][cohort];
    int span = Segment.COHORT_TO[cohort] - Segment.COHORT_FROM[cohort] + 1;
    int birthYear = Segment.COHORT_FROM[cohort] + (int) ((index - first) * span / n);
    return new Buyer(index, id(index), groupCountry[group], birthYear, cohort, s,
        s.lapses ? lapsesAfter(index) : null);
  }

  /** Every buyer, in index order: for the truth file. */
  void forEach(java.util.function.Consumer<Buyer> action) {
    for (int gr = 0; gr < offset.length; gr++) {
      for (Segment s : Segment.values()) {
        for (int c = 0; c < Segment.COHORTS.length; c++) {
          long first = offset[gr][s.ordinal()][c];
          for (long i = first; i < first + size[gr][s.ordinal()][c]; i++) {
            action.accept(buyer(gr, s, c, i));
          }
        }
      }
    }
  }

  static String id(long index) {
    String digits = Long.toString(index + 1);
    return "B" + "0000000".substring(Math.min(7, digits.length())) + digits;
  }
}
