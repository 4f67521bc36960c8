package io.tradelake.generate;

/**
 * Every kind of dirt the generator plants, and what the pipeline does with it: the quality rule that
 * quarantines it (io.tradelake.clean.QualityRules), removal as an exact duplicate, or nothing (a variation
 * the pipeline normalises). A dirty line is built so that it fails exactly its one rule.
 */
enum DirtKind {
  EXACT_DUPLICATE("exact_duplicate", Outcome.DUPLICATE, null, false),
  MALFORMED_LINE("malformed_line", Outcome.QUARANTINED, "unparsable_line", false),
  WRONG_LAYOUT_LINE("wrong_layout_line", Outcome.QUARANTINED, "unparsable_line", false),
  BAD_TIMESTAMP("bad_timestamp", Outcome.QUARANTINED, "bad_timestamp", false),
  UNKNOWN_CURRENCY("unknown_currency", Outcome.QUARANTINED, "unknown_currency", false),
  UNKNOWN_BUYER_COUNTRY("unknown_buyer_country", Outcome.QUARANTINED, "unknown_buyer_country", false),
  UNKNOWN_SELLER_COUNTRY("unknown_seller_country", Outcome.QUARANTINED, "unknown_seller_country", false),
  NON_POSITIVE_PRICE("non_positive_price", Outcome.QUARANTINED, "non_positive_price", false),
  DECIMAL_COMMA_PRICE("decimal_comma_price", Outcome.QUARANTINED, "unparsable_price", false),
  BLANK_LINE("blank_line", Outcome.QUARANTINED, "blank_line", false),
  OFFSETLESS_TIMESTAMP("offsetless_timestamp", Outcome.KEPT, null, false),
  COUNTRY_SPELLING("country_spelling", Outcome.KEPT, null, false),
  LATE_ARRIVAL("late_arrival", Outcome.KEPT, null, false),
  BOM_FILE("bom_file", Outcome.KEPT, null, true),
  WRONG_LAYOUT_FILE("wrong_layout_file", Outcome.KEPT, null, true),
  /** A re-sent gzip copy cut short after its header: one truncated_file row per file. */
  TRUNCATED_GZIP("truncated_gzip", Outcome.QUARANTINED, "truncated_file", true);

  enum Outcome { QUARANTINED, DUPLICATE, KEPT }

  final String label;
  final Outcome outcome;
  /** The quarantine rule, for {@link Outcome#QUARANTINED}. */
  final String rule;
  /** Counted in files, not lines (a wrong-layout file's lines are counted as wrong_layout_line). */
  final boolean perFile;

  DirtKind(String label, Outcome outcome, String rule, boolean perFile) {
    this.label = label;
    this.outcome = outcome;
    this.rule = rule;
    this.perFile = perFile;
  }

  /** What the manifest says happens to it: a rule name, "duplicate_removed" or "kept". */
  String fate() {
    return switch (outcome) {
      case QUARANTINED -> rule;
      case DUPLICATE -> "duplicate_removed";
      case KEPT -> perFile && this == WRONG_LAYOUT_FILE ? "its lines: unparsable_line" : "kept";
    };
  }
}
