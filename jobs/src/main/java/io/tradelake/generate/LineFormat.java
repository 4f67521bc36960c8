package io.tradelake.generate;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.List;

/**
 * Writes one event as a line of a source layout (conf/layouts.conf): the shopline CSV export or the
 * globalbuy JSON-lines feed, and formats its timestamps the ways those sources do.
 */
final class LineFormat {

  private LineFormat() {}

  static final List<String> SHOPLINE_COLUMNS = List.of("event_id", "order_no", "kind", "created_at", "shop",
      "customer_id", "customer_country", "birth_year", "merchant_country", "category", "qty", "unit_price", "ccy");
  static final String SHOPLINE_HEADER = String.join(",", SHOPLINE_COLUMNS);

  /** An event's source fields, as text; {@code type} is ORDER, REFUND or CANCEL, quantities are positive. */
  static final class Fields {
    String eventId;
    String orderId;
    String type;
    String time;
    String platform;
    String buyerId;
    String buyerCountry;
    String birthYear;
    String sellerCountry;
    String category;
    String quantity;
    String price;
    String currency;

    Fields copy() {
      Fields f = new Fields();
      f.eventId = eventId;
      f.orderId = orderId;
      f.type = type;
      f.time = time;
      f.platform = platform;
      f.buyerId = buyerId;
      f.buyerCountry = buyerCountry;
      f.birthYear = birthYear;
      f.sellerCountry = sellerCountry;
      f.category = category;
      f.quantity = quantity;
      f.price = price;
      f.currency = currency;
      return f;
    }
  }

  static String render(String layout, Fields f) {
    return layout.equals(GeneratorSettings.SHOPLINE) ? shopline(f) : globalbuy(f);
  }

  /** The shopline export: kind order/refund/cancel, refunds with negative quantities, cancels unpriced. */
  static String shopline(Fields f) {
    boolean cancel = f.type.equals("CANCEL");
    String qty = cancel || f.quantity == null ? "" : f.type.equals("REFUND") ? "-" + f.quantity : f.quantity;
    String[] values = {f.eventId, f.orderId, f.type.toLowerCase(java.util.Locale.ROOT), f.time, f.platform, f.buyerId,
        f.buyerCountry, f.birthYear, f.sellerCountry, cancel ? "" : f.category, qty, cancel ? "" : f.price,
        cancel ? "" : f.currency};
    StringBuilder b = new StringBuilder(160);
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      csv(b, values[i]);
    }
    return b.toString();
  }

  static void csv(StringBuilder b, String v) {
    if (v == null) {
      return;
    }
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0) {
      b.append('"').append(v.replace("\"", "\"\"")).append('"');
    } else {
      b.append(v);
    }
  }

  /** The globalbuy feed: PURCHASE/RETURN/VOID, nested customer, seller and item; a VOID has no item. */
  static String globalbuy(Fields f) {
    String type = switch (f.type) {
      case "ORDER" -> "PURCHASE";
      case "REFUND" -> "RETURN";
      default -> "VOID";
    };
    StringBuilder b = new StringBuilder(240);
    b.append("{\"id\":");
    str(b, f.eventId);
    b.append(",\"order_ref\":");
    str(b, f.orderId);
    b.append(",\"type\":");
    str(b, type);
    b.append(",\"ts\":");
    str(b, f.time);
    b.append(",\"channel\":");
    str(b, f.platform);
    b.append(",\"customer\":{\"id\":");
    str(b, f.buyerId);
    b.append(",\"country\":");
    str(b, f.buyerCountry);
    b.append(",\"born\":");
    numberOrString(b, f.birthYear);
    b.append("},\"seller\":{\"country\":");
    str(b, f.sellerCountry);
    b.append('}');
    if (!f.type.equals("CANCEL")) {
      b.append(",\"item\":{\"category\":");
      str(b, f.category);
      b.append(",\"quantity\":");
      numberOrString(b, f.quantity);
      b.append(",\"price\":");
      str(b, f.price);
      b.append(",\"currency\":");
      str(b, f.currency);
      b.append('}');
    }
    return b.append('}').toString();
  }

  private static void numberOrString(StringBuilder b, String v) {
    if (v != null && !v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
      b.append(v);
    } else {
      str(b, v);
    }
  }

  static void str(StringBuilder b, String v) {
    if (v == null) {
      b.append("null");
      return;
    }
    b.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  /** Timestamp styles found in the sources. */
  enum TimeStyle {
    /** shopline's own: local time of the reporting zone, "yyyy-MM-dd HH:mm:ss". */
    LOCAL_SECONDS,
    /** shopline's older export: "yyyy/MM/dd HH:mm", local time. */
    LOCAL_SLASH_MINUTES,
    /** ISO-8601 with the reporting zone's offset, e.g. 2019-03-01T10:00:00+08:00. */
    ISO_LOCAL_OFFSET,
    /** ISO-8601 in UTC with Z. */
    ISO_UTC_Z,
    /** ISO-8601 in UTC without an offset (globalbuy's layout time zone is UTC). */
    ISO_UTC_NO_OFFSET
  }

  static String time(long epochSecond, TimeStyle style, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    ZoneOffset local = rules.getOffset(Instant.ofEpochSecond(epochSecond));
    return switch (style) {
      case LOCAL_SECONDS -> dateTime(LocalDateTime.ofEpochSecond(epochSecond, 0, local), '-', ' ', true);
      case LOCAL_SLASH_MINUTES -> dateTime(LocalDateTime.ofEpochSecond(epochSecond, 0, local), '/', ' ', false);
      case ISO_LOCAL_OFFSET -> dateTime(LocalDateTime.ofEpochSecond(epochSecond, 0, local), '-', 'T', true)
          + local.getId();
      case ISO_UTC_Z -> dateTime(LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC), '-', 'T', true) + "Z";
      case ISO_UTC_NO_OFFSET -> dateTime(LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC), '-', 'T', true);
    };
  }

  static String dateTime(LocalDateTime t, char dateSep, char sep, boolean seconds) {
    StringBuilder b = new StringBuilder(20);
    b.append(t.getYear()).append(dateSep);
    two(b, t.getMonthValue()).append(dateSep);
    two(b, t.getDayOfMonth()).append(sep);
    two(b, t.getHour()).append(':');
    two(b, t.getMinute());
    if (seconds) {
      two(b.append(':'), t.getSecond());
    }
    return b.toString();
  }

  static StringBuilder two(StringBuilder b, int v) {
    return v < 10 ? b.append('0').append(v) : b.append(v);
  }
}
