package io.tradelake.generate;

/**
 * Planted buyer behaviour segments, recorded per buyer in {@code _truth/buyers.csv} so that a clustering of
 * buyers (recency, frequency, spend, channel habits) can be checked against them. Each segment differs in
 * how often it buys, how much it spends per item, how many units it takes, where it buys and how it reacts
 * to shopping festivals.
 */
enum Segment {

  /** Frequent, cheap baskets, platforms and social shops, festival-driven, returns a lot. */
  DEAL_HUNTER("deal_hunter", 0.30, 3.0, 0.60, 1, 0.09, 0.05, 2.2, false,
      new double[] {1.4, 1.7, 1.4, 0.3, 0.3, 0.3, 0.5},
      new double[] {0.08, 0.30, 0.28, 0.22, 0.12}),
  /** Regular, expensive items, brand sites and duty-free, indifferent to festivals. */
  PREMIUM("premium", 0.15, 1.2, 2.8, 1, 0.04, 0.03, 0.8, false,
      new double[] {1.2, 0.6, 0.4, 0.8, 3.2, 3.2, 0.5},
      new double[] {0.20, 0.50, 0.18, 0.09, 0.03}),
  /** Rare buyers who lapse: long recency, low frequency, average spend. */
  OCCASIONAL("occasional", 0.45, 0.35, 1.0, 1, 0.05, 0.06, 1.5, true,
      new double[] {1.2, 1.2, 0.8, 0.6, 0.6, 0.8, 1.0},
      new double[] {0.20, 0.40, 0.20, 0.13, 0.07}),
  /** Stock up through purchasing agents ("daigou") and social shops: double quantities. */
  AGENT_CLIENT("agent_client", 0.10, 1.6, 1.3, 2, 0.02, 0.02, 0.7, false,
      new double[] {0.6, 0.4, 1.6, 4.0, 0.4, 1.5, 0.5},
      new double[] {0.25, 0.50, 0.15, 0.07, 0.03});

  /** Generation cohorts by birth year (inclusive), as tradelake.cohorts names them. */
  static final String[] COHORTS = {"post-70s", "post-80s", "post-90s", "post-95s", "post-00s"};
  static final int[] COHORT_FROM = {1970, 1980, 1990, 1995, 2000};
  static final int[] COHORT_TO = {1979, 1989, 1994, 1999, 2009};
  /** Youngest age at which a buyer places orders. */
  static final int MIN_BUYER_AGE = 16;

  final String label;
  /** Share of the buyer population. */
  final double share;
  /** Orders per buyer relative to the others: frequency. */
  final double activity;
  /** Unit price multiplier: spend. */
  final double priceLevel;
  /** Quantity multiplier per line. */
  final int quantityFactor;
  final double refundRate;
  final double cancelRate;
  /** Activity multiplier on festival days (11.11, 618, Black Friday). */
  final double festivalLift;
  /** Whether buyers of the segment stop buying at some point (recency). */
  final boolean lapses;
  /** Channel preference multipliers, in the order of {@link Catalog#CHANNELS}. */
  final double[] channelPreference;
  /** Cohort mix of the segment's buyers, in the order of {@link #COHORTS}. */
  final double[] cohortMix;

  Segment(String label, double share, double activity, double priceLevel, int quantityFactor, double refundRate,
      double cancelRate, double festivalLift, boolean lapses, double[] channelPreference, double[] cohortMix) {
    this.label = label;
    this.share = share;
    this.activity = activity;
    this.priceLevel = priceLevel;
    this.quantityFactor = quantityFactor;
    this.refundRate = refundRate;
    this.cancelRate = cancelRate;
    this.festivalLift = festivalLift;
    this.lapses = lapses;
    this.channelPreference = channelPreference;
    this.cohortMix = cohortMix;
  }

  static int cohortOf(int birthYear) {
    for (int c = 0; c < COHORTS.length; c++) {
      if (birthYear >= COHORT_FROM[c] && birthYear <= COHORT_TO[c]) {
        return c;
      }
    }
    return -1;
  }
}
