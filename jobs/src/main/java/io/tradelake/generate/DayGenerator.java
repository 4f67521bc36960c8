package io.tradelake.generate;

import io.tradelake.generate.BuyerPopulation.Buyer;
import io.tradelake.generate.LineFormat.Fields;
import io.tradelake.generate.LineFormat.TimeStyle;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Generates one day: its orders (value-calibrated), their lines, cancellations and refunds (which may fall
 * on later days), rendered in their layouts, plus the day's dirt. Runs inside a Spark task; everything it
 * draws comes from streams seeded by (seed, day, purpose), so a day's output depends on nothing else.
 *
 * <p>Two streams per direction make the clean events; a separate one makes the variations and the dirt,
 * so the clean events and their aggregates are the same whatever the dirt rates.
 */
final class DayGenerator implements Serializable {

  private static final long ORDER_STREAM = 11;
  private static final long DIRT_STREAM = 23;

  private final GeneratorSettings g;
  private final Calibration cal;
  private final FxTable fx;
  private final BuyerPopulation pop;
  private final ZoneId zone;
  /** First second after the last day (the end of the range), in the reporting zone. */
  private final long endEpoch;
  private final String[] layouts;
  private final double[] layoutWeights;
  private final double[][] marketWeights;
  /** [direction][market][category] */
  private final double[][][] categoryWeights;
  private final double[][] importChannelBase;
  private final double[] exportChannelBase;
  private final double[] channelShift;

  DayGenerator(GeneratorSettings g, Calibration cal, FxTable fx, BuyerPopulation pop, ZoneId zone) {
    this.g = g;
    this.cal = cal;
    this.fx = fx;
    this.pop = pop;
    this.zone = zone;
    this.endEpoch = g.end().plusDays(1).atStartOfDay(zone).toEpochSecond();
    this.layouts = g.layoutOrder().toArray(String[]::new);
    this.layoutWeights = g.layoutWeights();
    marketWeights = new double[2][];
    categoryWeights = new double[2][][];
    for (int r = 0; r < 2; r++) {
      String dir = Calibration.DIRECTIONS[r];
      List<Catalog.Market> markets = Catalog.markets(dir);
      List<Catalog.Category> cats = Catalog.categories(dir);
      marketWeights[r] = Catalog.marketDrawWeights(dir);
      categoryWeights[r] = new double[markets.size()][cats.size()];
      for (int m = 0; m < markets.size(); m++) {
        for (int c = 0; c < cats.size(); c++) {
          categoryWeights[r][m][c] = cats.get(c).weight() * Catalog.tilt(dir, markets.get(m).code(), cats.get(c).name());
        }
      }
    }
    importChannelBase = new double[Segment.COHORTS.length][];
    for (int c = 0; c < Segment.COHORTS.length; c++) {
      importChannelBase[c] = g.channels().importWeights(Segment.COHORTS[c]);
    }
    exportChannelBase = g.channels().exportWeights();
    channelShift = g.channels().shiftWeights();
  }

  // ---------------------------------------------------------------- orders

  private static final class Order {
    int seq;
    int dir;
    int layout;
    Catalog.Market market;
    Segment segment;
    Buyer buyer;
    int channel;
    String platform;
    String currency;
    LocalDate day;
    long epoch;
    BigDecimal rate;
    String[] category;
    int[] qty;
    BigDecimal[] price;
    boolean cancelled;
    long cancelEpoch;
    boolean refunded;
    int refundItem;
    int refundQty;
    long refundEpoch;
    String orderId;

    double value() {
      double v = 0;
      for (int i = 0; i < qty.length; i++) {
        v += qty[i] * price[i].doubleValue();
      }
      return v * rate.doubleValue();
    }
  }

  private record Event(Order order, String type, int item, int qty, long epoch, LocalDate date, String eventId) {}

  /**
   * A month's orders of a direction, day by day. Each day draws orders until their gross (orders not
   * cancelled) reaches the day's budget plus the carry, the overshoot of the days before; at the end of the
   * month the last order is re-priced so the month lands exactly on its budget (or, when only a sliver of it
   * would remain, the order is dropped and the one before takes the sliver). Months (hence years and
   * halves) are exact, and the number of orders stays close to budget / mean order value.
   */
  private List<List<Order>> monthOrders(int r, List<LocalDate> days) {
    List<List<Order>> byDay = new ArrayList<>();
    double carry = 0;
    Order last = null;
    Order beforeLast = null;
    int lastDay = -1;
    for (int i = 0; i < days.size(); i++) {
      LocalDate day = days.get(i);
      List<Order> orders = new ArrayList<>();
      byDay.add(orders);
      double budget = cal.budget(day, r);
      if (budget <= 0) {
        continue;
      }
      double target = budget + carry;
      Rng rng = Rng.of(g.seed(), day.toEpochDay(), ORDER_STREAM + r);
      boolean festival = Calibration.festival(day, r);
      double sum = 0;
      while (sum < target) {
        Order o = newOrder(rng, r, day, festival);
        o.seq = orders.size();
        orders.add(o);
        if (!o.cancelled) {
          sum += o.value();
          beforeLast = last;
          last = o;
          lastDay = i;
        }
      }
      carry = target - sum;
    }
    if (last != null && carry < 0) {
      double v = last.value();
      double keep = v + carry;
      if (keep >= 0.3 * v || beforeLast == null) {
        reprice(last, Math.max(keep, 0.01));
      } else {
        byDay.get(lastDay).remove(last);
        reprice(beforeLast, beforeLast.value() + keep);
      }
    }
    for (List<Order> orders : byDay) {
      for (Order o : orders) {
        o.refunded = o.refunded && !o.cancelled;
      }
    }
    return byDay;
  }

  private Order newOrder(Rng rng, int r, LocalDate day, boolean festival) {
    Order o = new Order();
    o.dir = r;
    o.day = day;
    o.layout = rng.pick(layoutWeights);
    Segment[] segments = Segment.values();
    double[] segW = new double[segments.length];
    for (int s = 0; s < segments.length; s++) {
      segW[s] = segments[s].share * segments[s].activity * (festival ? segments[s].festivalLift : 1.0);
    }
    Segment seg = segments[rng.pick(segW)];
    o.segment = seg;
    int m = rng.pick(marketWeights[r]);
    o.market = Catalog.markets(Calibration.DIRECTIONS[r]).get(m);
    int group = r == Calibration.EXPORT ? BuyerPopulation.abroadGroup(m) : 0;
    double[] cohortW = new double[Segment.COHORTS.length];
    for (int c = 0; c < cohortW.length; c++) {
      cohortW[c] = seg.cohortMix[c] * pop.eligibleShare(group, seg, c, day.getYear());
    }
    int cohort = rng.pick(cohortW);
    o.buyer = pop.buyer(group, seg, cohort, pop.pick(rng, group, seg, cohort, day));
    o.channel = rng.pick(channelWeights(r, cohort, seg, day));
    List<String> labels = Catalog.LABELS.get(Calibration.DIRECTIONS[r]).get(o.channel);
    o.platform = labels.get(rng.nextInt(labels.size()));
    o.currency = currency(rng, r, o.market, o.channel);
    o.rate = fx.rate(o.currency, day);
    double[] hours = r == Calibration.IMPORT ? Catalog.HOURS_CN : Catalog.HOURS_ABROAD;
    if (festival && r == Calibration.IMPORT && day.getMonthValue() == 11) {
      hours = hours.clone();
      hours[0] *= 6; // the 11.11 midnight rush
    }
    LocalTime time = LocalTime.of(rng.pick(hours), rng.nextInt(60), rng.nextInt(60));
    o.epoch = LocalDateTime.of(day, time).atZone(zone).toEpochSecond();
    int lines = 1 + rng.pick(Catalog.LINES_PER_ORDER);
    List<Catalog.Category> cats = Catalog.categories(Calibration.DIRECTIONS[r]);
    o.category = new String[lines];
    o.qty = new int[lines];
    o.price = new BigDecimal[lines];
    for (int i = 0; i < lines; i++) {
      Catalog.Category c = cats.get(rng.pick(categoryWeights[r][m]));
      double cny = rng.logNormal(c.medianCny(), c.sigma()) * seg.priceLevel;
      cny = Math.max(Catalog.MIN_PRICE_CNY, Math.min(Catalog.MAX_PRICE_CNY, cny));
      o.category[i] = c.name();
      o.qty[i] = Catalog.QUANTITIES[rng.pick(Catalog.QUANTITY_WEIGHTS)] * seg.quantityFactor;
      o.price[i] = shelfPrice(cny / o.rate.doubleValue(), o.currency);
    }
    GeneratorSettings.Lifecycle life = g.lifecycle();
    if (rng.chance(seg.cancelRate * life.cancelScale())) {
      double u = rng.nextDouble();
      o.cancelEpoch = o.epoch + 600 + (long) (u * u * (life.maxCancelHours() * 3600L - 600));
      o.cancelled = o.cancelEpoch < endEpoch;
    }
    if (rng.chance(seg.refundRate * life.refundScale())) {
      o.refundItem = rng.nextInt(lines);
      int q = o.qty[o.refundItem];
      o.refundQty = q == 1 || rng.chance(0.7) ? 1 : rng.between(1, q);
      o.refundEpoch = o.epoch + rng.between(life.refundMinDays(), life.refundMaxDays()) * 86_400L
          + rng.nextInt(86_400) - 43_200;
      o.refunded = o.refundEpoch < endEpoch;
    }
    return o;
  }

  private double[] channelWeights(int r, int cohort, Segment seg, LocalDate day) {
    double[] w = (r == Calibration.IMPORT ? importChannelBase[cohort] : exportChannelBase).clone();
    GeneratorSettings.ChannelMix mix = g.channels();
    for (int ch = 0; ch < w.length; ch++) {
      double pref = seg.channelPreference[ch];
      w[ch] *= r == Calibration.IMPORT ? pref : StrictMath.sqrt(pref);
      if (!day.isBefore(mix.shiftFrom())) {
        w[ch] *= channelShift[ch];
      }
    }
    w[2] *= 1 + mix.socialGrowthPerYear() * Math.max(0, day.getYear() - 2015);
    if (!day.isBefore(mix.agentLawFrom())) {
      w[3] *= mix.agentLawFactor();
    }
    return w;
  }

  /** The currency a price is quoted in: platforms for Chinese buyers mostly show CNY. */
  private static String currency(Rng rng, int r, Catalog.Market market, int channel) {
    double u = rng.nextDouble();
    if (r == Calibration.EXPORT) {
      return u < 0.05 ? Catalog.HOME_CURRENCY : u < 0.25 ? "USD" : market.currency();
    }
    return switch (channel) {
      case 0, 1, 2, 3 -> u < 0.8 ? Catalog.HOME_CURRENCY : market.currency();
      case 6 -> u < 0.5 ? Catalog.HOME_CURRENCY : market.currency();
      default -> market.currency();
    };
  }

  /** A price as a shop would show it: ¥ and ₩ in round tens/hundreds, x.99 endings, whole yuan. */
  static BigDecimal shelfPrice(double local, String currency) {
    long minor;
    switch (currency) {
      case "JPY" -> minor = local >= 100 ? Math.round(local / 10) * 10 : Math.round(local);
      case "KRW" -> minor = local >= 1000 ? Math.round(local / 100) * 100 : Math.round(local / 10) * 10;
      case "CNY" -> minor = local >= 10 ? Math.round(local) * 100 : Math.round(local * 100);
      default -> minor = local >= 5 ? (long) Math.floor(local) * 100 + 99 : Math.round(local * 100);
    }
    int decimals = Catalog.decimals(currency);
    return BigDecimal.valueOf(Math.max(currency.equals("KRW") ? 10 : 1, minor), decimals);
  }

  private static BigDecimal minorUnits(double local, String currency) {
    int decimals = Catalog.decimals(currency);
    long minor = Math.max(1, Math.round(local * (decimals == 0 ? 1 : 100)));
    return BigDecimal.valueOf(minor, decimals);
  }

  /** Scales an order's prices so its value is {@code target} CNY (to the currency's minor unit). */
  private static void reprice(Order o, double target) {
    double f = target / o.value();
    double rate = o.rate.doubleValue();
    double acc = 0;
    int last = o.qty.length - 1;
    for (int i = 0; i < last; i++) {
      o.price[i] = minorUnits(o.price[i].doubleValue() * f, o.currency);
      acc += o.qty[i] * o.price[i].doubleValue() * rate;
    }
    o.price[last] = minorUnits((target - acc) / (o.qty[last] * rate), o.currency);
  }

  // ---------------------------------------------------------------- the day

  /** The days of a month that lie in the range. */
  List<LocalDate> daysOfMonth(long monthIndex) {
    LocalDate first = g.start().withDayOfMonth(1).plusMonths(monthIndex);
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = first; d.getMonth() == first.getMonth(); d = d.plusDays(1)) {
      if (!d.isBefore(g.start()) && !d.isAfter(g.end())) {
        days.add(d);
      }
    }
    return days;
  }

  /** Months the range touches. */
  static long months(GeneratorSettings g) {
    return (g.end().getYear() - g.start().getYear()) * 12L + g.end().getMonthValue() - g.start().getMonthValue() + 1;
  }

  /** Everything a month writes, produced a day at a time as the iterator is consumed. */
  java.util.Iterator<GenLine> month(long monthIndex) {
    List<LocalDate> days = daysOfMonth(monthIndex);
    List<List<Order>> exports = monthOrders(Calibration.EXPORT, days);
    List<List<Order>> imports = monthOrders(Calibration.IMPORT, days);
    return new java.util.Iterator<>() {
      int next = 0;
      java.util.Iterator<GenLine> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && next < days.size()) {
          current = day(days.get(next), exports.get(next), imports.get(next)).iterator();
          exports.set(next, null);
          imports.set(next, null);
          next++;
        }
        return current.hasNext();
      }

      @Override
      public GenLine next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** Everything the day writes: clean lines (with their facts), variations and dirt. */
  List<GenLine> day(LocalDate day, List<Order> exports, List<Order> imports) {
    List<Order> orders = new ArrayList<>(exports.size() + imports.size());
    for (Order o : exports) {
      o.seq = orders.size();
      orders.add(o);
    }
    for (Order o : imports) {
      o.seq = orders.size();
      orders.add(o);
    }
    orders.sort(Comparator.comparingLong((Order o) -> o.epoch).thenComparingInt(o -> o.seq));
    String stamp = day.toString().replace("-", "");
    int[] orderSeq = new int[layouts.length];
    int[] eventSeq = new int[layouts.length];
    List<Event> events = new ArrayList<>();
    for (Order o : orders) {
      o.orderId = orderId(o.layout, stamp, ++orderSeq[o.layout]);
      for (int i = 0; i < o.qty.length; i++) {
        events.add(new Event(o, "ORDER", i, o.qty[i], o.epoch, day, eventId(o.layout, stamp, ++eventSeq[o.layout])));
      }
      if (o.cancelled) {
        events.add(new Event(o, "CANCEL", -1, 0, o.cancelEpoch, date(o.cancelEpoch),
            eventId(o.layout, stamp, ++eventSeq[o.layout])));
      }
      if (o.refunded) {
        events.add(new Event(o, "REFUND", o.refundItem, o.refundQty, o.refundEpoch, date(o.refundEpoch),
            eventId(o.layout, stamp, ++eventSeq[o.layout])));
      }
    }
    Rng dirt = Rng.of(g.seed(), day.toEpochDay(), DIRT_STREAM);
    GeneratorSettings.Dirt d = g.dirt();
    List<GenLine> out = new ArrayList<>(events.size() + events.size() / 10);
    for (Event e : events) {
      String layout = layouts[e.order.layout];
      GenLine line = cleanLine(e, dirt);
      out.add(line);
      if (dirt.chance(d.duplicateLine())) {
        LocalDate folder = LocalDate.parse(line.getFolder());
        if (dirt.chance(0.3) && !folder.plusDays(1).isAfter(g.end())) {
          folder = folder.plusDays(1); // delivered again with the next day's export
        }
        out.add(new GenLine(layout, folder.toString(), fileName(layout, folder), line.getSortKey() + "~d",
            line.getText(), DirtKind.EXACT_DUPLICATE.label));
      }
      if (dirt.chance(d.blankLine())) {
        out.add(new GenLine(layout, line.getFolder(), line.getFile(), line.getSortKey() + "~b",
            dirt.chance(0.5) ? "" : "   ", DirtKind.BLANK_LINE.label));
      }
      boolean priced = !e.type.equals("CANCEL");
      if (dirt.chance(d.malformedLine())) {
        out.add(dirty(e, DirtKind.MALFORMED_LINE, dirt, stamp, eventSeq));
      }
      if (dirt.chance(d.badTimestamp())) {
        out.add(dirty(e, DirtKind.BAD_TIMESTAMP, dirt, stamp, eventSeq));
      }
      if (priced) {
        if (dirt.chance(d.unknownCurrency())) {
          out.add(dirty(e, DirtKind.UNKNOWN_CURRENCY, dirt, stamp, eventSeq));
        }
        if (dirt.chance(d.unknownCountry())) {
          DirtKind k = dirt.chance(0.5) ? DirtKind.UNKNOWN_BUYER_COUNTRY : DirtKind.UNKNOWN_SELLER_COUNTRY;
          out.add(dirty(e, k, dirt, stamp, eventSeq));
        }
        if (dirt.chance(d.nonPositivePrice())) {
          out.add(dirty(e, DirtKind.NON_POSITIVE_PRICE, dirt, stamp, eventSeq));
        }
        if (dirt.chance(d.decimalCommaPrice())) {
          out.add(dirty(e, DirtKind.DECIMAL_COMMA_PRICE, dirt, stamp, eventSeq));
        }
      }
    }
    if (!events.isEmpty() && dirt.chance(d.wrongLayoutFile())) {
      out.addAll(misroutedFile(events, dirt, day, stamp));
    }
    return out;
  }

  private LocalDate date(long epoch) {
    return Instant.ofEpochSecond(epoch).atZone(zone).toLocalDate();
  }

  private String orderId(int layout, String stamp, int seq) {
    return layouts[layout].equals(GeneratorSettings.SHOPLINE)
        ? "SO" + stamp + "-" + pad(seq, 5) : "ord_" + stamp + "_" + pad(seq, 5);
  }

  private String eventId(int layout, String stamp, int seq) {
    return layouts[layout].equals(GeneratorSettings.SHOPLINE)
        ? "E" + stamp + "-" + pad(seq, 7) : "evt_" + stamp + "_" + pad(seq, 7);
  }

  private static String pad(long v, int width) {
    String s = Long.toString(v);
    return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
  }

  static String sortKey(long epoch, String eventId) {
    return pad(epoch, 12) + "|" + eventId;
  }

  String fileName(String layout, LocalDate folder) {
    return OutputFiles.fileName(g.seed(), layout, folder, g.gzipShare());
  }

  /** The event's fields with canonical values (ISO countries) and the layout's usual timestamp. */
  private Fields fields(Event e) {
    Order o = e.order;
    Fields f = new Fields();
    f.eventId = e.eventId;
    f.orderId = o.orderId;
    f.type = e.type;
    f.time = LineFormat.time(e.epoch, usualStyle(layouts[o.layout]), zone);
    f.platform = o.platform;
    f.buyerId = o.buyer.id();
    f.buyerCountry = o.buyer.country();
    f.birthYear = Integer.toString(o.buyer.birthYear());
    f.sellerCountry = o.dir == Calibration.EXPORT ? Catalog.HOME : o.market.code();
    if (e.item >= 0) {
      f.category = o.category[e.item];
      f.quantity = Integer.toString(e.qty);
      f.price = o.price[e.item].toPlainString();
      f.currency = o.currency;
    }
    return f;
  }

  private static TimeStyle usualStyle(String layout) {
    return layout.equals(GeneratorSettings.SHOPLINE) ? TimeStyle.LOCAL_SECONDS : TimeStyle.ISO_LOCAL_OFFSET;
  }

  /** A clean event line, with the variations a real export has (spellings, time styles, late delivery). */
  private GenLine cleanLine(Event e, Rng dirt) {
    Order o = e.order;
    String layout = layouts[o.layout];
    GeneratorSettings.Dirt d = g.dirt();
    Fields f = fields(e);
    StringBuilder kinds = new StringBuilder();
    boolean spelled = false;
    if (dirt.chance(d.countrySpelling()) && Catalog.SPELLINGS.containsKey(f.buyerCountry)) {
      f.buyerCountry = pickOf(dirt, Catalog.SPELLINGS.get(f.buyerCountry));
      spelled = true;
    }
    if (dirt.chance(d.countrySpelling()) && Catalog.SPELLINGS.containsKey(f.sellerCountry)) {
      f.sellerCountry = pickOf(dirt, Catalog.SPELLINGS.get(f.sellerCountry));
      spelled = true;
    }
    if (spelled) {
      kinds.append(DirtKind.COUNTRY_SPELLING.label).append(' ');
    }
    // One style per order and event type: an export formats a batch of events the same way.
    double u = Rng.unit(g.seed(), 0x7157L, OutputFiles.fnv(o.orderId), e.type.hashCode());
    TimeStyle style;
    if (layout.equals(GeneratorSettings.SHOPLINE)) {
      style = u < 0.05 ? TimeStyle.ISO_LOCAL_OFFSET : u < 0.08 ? TimeStyle.LOCAL_SLASH_MINUTES : TimeStyle.LOCAL_SECONDS;
    } else if (u < d.offsetlessTimestamp()) {
      style = TimeStyle.ISO_UTC_NO_OFFSET;
      kinds.append(DirtKind.OFFSETLESS_TIMESTAMP.label).append(' ');
    } else {
      style = u < d.offsetlessTimestamp() + 0.1 ? TimeStyle.ISO_UTC_Z : TimeStyle.ISO_LOCAL_OFFSET;
    }
    f.time = LineFormat.time(e.epoch, style, zone);
    LocalDate folder = e.date;
    if (dirt.chance(d.lateArrival())) {
      LocalDate later = e.date.plusDays(dirt.between(1, 3));
      if (!later.isAfter(g.end())) {
        folder = later;
        kinds.append(DirtKind.LATE_ARRIVAL.label).append(' ');
      }
    }
    GenLine line = new GenLine(layout, folder.toString(), fileName(layout, folder), sortKey(e.epoch, e.eventId),
        LineFormat.render(layout, f), kinds.toString().trim());
    line.setFact(true);
    line.setEventType(e.type);
    line.setDirection(Calibration.DIRECTIONS[o.dir]);
    line.setMarket(o.market.code());
    line.setChannel(Catalog.CHANNELS.get(o.channel));
    line.setCohort(Segment.COHORTS[o.buyer.cohort()]);
    line.setCurrency(o.currency);
    line.setOrderId(o.orderId);
    line.setBuyerId(o.buyer.id());
    line.setYear(e.date.getYear());
    line.setHalf(e.date.getMonthValue() <= 6 ? 1 : 2);
    line.setAge(e.date.getYear() - o.buyer.birthYear());
    line.setCancelled(o.cancelled);
    if (e.type.equals("ORDER") && !o.cancelled) {
      line.setGross(value(e.qty, o.price[e.item], o.rate));
    } else if (e.type.equals("REFUND")) {
      line.setRefund(value(e.qty, o.price[e.item], fx.rate(o.currency, e.date)));
    }
    return line;
  }

  /** CNY value as the pipeline computes it: the exact product quantity × price × rate, rounded once, half up, to 4 places. */
  static BigDecimal value(int qty, BigDecimal price, BigDecimal rate) {
    return BigDecimal.valueOf(qty).multiply(price).multiply(rate).setScale(4, RoundingMode.HALF_UP);
  }

  private static String pickOf(Rng rng, List<String> options) {
    return options.get(rng.nextInt(options.size()));
  }

  /** A mangled copy of an event under a new event id: fails exactly the kind's rule. */
  private GenLine dirty(Event e, DirtKind kind, Rng dirt, String stamp, int[] eventSeq) {
    int layoutIdx = e.order.layout;
    String layout = layouts[layoutIdx];
    Fields f = fields(e);
    f.eventId = eventId(layoutIdx, stamp, ++eventSeq[layoutIdx]);
    boolean csv = layout.equals(GeneratorSettings.SHOPLINE);
    switch (kind) {
      case BAD_TIMESTAMP -> f.time = badTime(dirt, e.epoch, csv);
      case UNKNOWN_CURRENCY -> f.currency = dirt.pick(Catalog.UNKNOWN_CURRENCIES);
      case UNKNOWN_BUYER_COUNTRY -> f.buyerCountry = dirt.pick(Catalog.UNKNOWN_COUNTRIES);
      case UNKNOWN_SELLER_COUNTRY -> f.sellerCountry = dirt.pick(Catalog.UNKNOWN_COUNTRIES);
      case NON_POSITIVE_PRICE -> f.price = switch (dirt.nextInt(3)) {
        case 0 -> "0";
        case 1 -> "0.00";
        default -> "-" + f.price;
      };
      case DECIMAL_COMMA_PRICE -> f.price = f.price.indexOf('.') >= 0 ? f.price.replace('.', ',')
          : f.price.length() > 3 ? f.price.substring(0, f.price.length() - 3) + "," + f.price.substring(f.price.length() - 3)
          : f.price + ",00";
      default -> { }
    }
    String text = LineFormat.render(layout, f);
    if (kind == DirtKind.MALFORMED_LINE) {
      text = malformed(text, csv, dirt);
    }
    return new GenLine(layout, e.date.toString(), fileName(layout, e.date), sortKey(e.epoch, f.eventId), text,
        kind.label);
  }

  /** Impossible timestamps: month 13, hour 25, day-first, words, nothing. */
  private String badTime(Rng rng, long epoch, boolean csv) {
    String iso = LineFormat.time(epoch, csv ? TimeStyle.LOCAL_SECONDS : TimeStyle.ISO_LOCAL_OFFSET, zone);
    String y = iso.substring(0, 4);
    String mo = iso.substring(5, 7);
    String dd = iso.substring(8, 10);
    String rest = iso.substring(10);
    return switch (rng.nextInt(5)) {
      case 0 -> y + "-13-" + dd + rest;
      case 1 -> y + "-" + mo + "-" + dd + iso.charAt(10) + "25" + iso.substring(13);
      case 2 -> dd + "." + mo + "." + y + " " + iso.substring(11, 16);
      case 3 -> csv ? "N/A" : "not a time";
      default -> "";
    };
  }

  /** A line cut short, or a CSV line with the wrong delimiter. */
  private static String malformed(String text, boolean csv, Rng rng) {
    if (csv) {
      String[] parts = text.split(",", -1);
      if (rng.chance(0.5) && parts.length == LineFormat.SHOPLINE_COLUMNS.size()) {
        return String.join(";", parts);
      }
      return String.join(",", java.util.Arrays.copyOf(parts, Math.min(parts.length, 9)));
    }
    int cut = (int) (text.length() * (0.35 + 0.5 * rng.nextDouble()));
    return text.substring(0, Math.max(1, Math.min(cut, text.length() - 2)));
  }

  /** A shopline CSV export dropped into the globalbuy folder: all of it unparsable there. */
  private List<GenLine> misroutedFile(List<Event> events, Rng dirt, LocalDate day, String stamp) {
    int n = Math.min(events.size(), dirt.between(3, 12));
    int from = dirt.nextInt(events.size() - n + 1);
    String file = "orders-" + stamp + "-resend.csv";
    List<GenLine> out = new ArrayList<>();
    for (Event e : events.subList(from, from + n)) {
      Fields f = fields(e);
      f.time = LineFormat.time(e.epoch, TimeStyle.LOCAL_SECONDS, zone);
      out.add(new GenLine(GeneratorSettings.GLOBALBUY, day.toString(), file, sortKey(e.epoch, e.eventId),
          LineFormat.shopline(f), DirtKind.WRONG_LAYOUT_LINE.label));
    }
    return out;
  }
}
