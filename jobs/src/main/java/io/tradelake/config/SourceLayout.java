package io.tradelake.config;

import java.util.List;
import java.util.Map;

/** How one platform's export maps onto the canonical raw event. See conf/layouts.conf. */
public record SourceLayout(
    String name,
    Format format,
    String delimiter,
    String quote,
    boolean header,
    List<String> columns,
    String jsonSchema,
    Map<String, FieldSource> fields,
    List<String> timestampPatterns,
    String timeZone) {

  public enum Format { CSV, JSONL }

  /** The canonical raw event, v1: every field is carried as text until the clean stage types it. */
  public static final List<String> CANONICAL_FIELDS = List.of(
      "event_id", "order_id", "event_type", "event_time", "platform", "buyer_id", "buyer_country",
      "buyer_birth_year", "seller_country", "category", "quantity", "unit_price", "currency");
}
