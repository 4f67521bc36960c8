package io.tradelake.generate;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * One line the generator writes, with where it goes and, for a clean event line, the facts the pipeline
 * will derive from it (so the manifest can state the clean aggregates). A Spark bean: public, mutable.
 */
public class GenLine implements Serializable {

  private String layout;
  private String folder;
  private String file;
  private String sortKey;
  private String text;
  /** Dirt kinds of the line, space-separated (DirtKind labels); empty for a plain clean line. */
  private String kinds = "";
  /** A clean event the pipeline keeps in silver: the fact columns below are set. */
  private boolean fact;
  private String eventType;
  private String direction;
  private String market;
  private String channel;
  private String cohort;
  private String currency;
  private String orderId;
  private String buyerId;
  private int age;
  private int year;
  private int half;
  private boolean cancelled;
  /** ORDER of an order not cancelled: quantity × price × FX in CNY, rounded as the pipeline rounds. */
  private BigDecimal gross = BigDecimal.ZERO;
  /** REFUND: its value in CNY at the refund day's rate. */
  private BigDecimal refund = BigDecimal.ZERO;

  public GenLine() {}

  GenLine(String layout, String folder, String file, String sortKey, String text, String kinds) {
    this.layout = layout;
    this.folder = folder;
    this.file = file;
    this.sortKey = sortKey;
    this.text = text;
    this.kinds = kinds;
  }

  public String getLayout() {
    return layout;
  }

  public void setLayout(String layout) {
    this.layout = layout;
  }

  public String getFolder() {
    return folder;
  }

  public void setFolder(String folder) {
    this.folder = folder;
  }

  public String getFile() {
    return file;
  }

  public void setFile(String file) {
    this.file = file;
  }

  public String getSortKey() {
    return sortKey;
  }

  public void setSortKey(String sortKey) {
    this.sortKey = sortKey;
  }

  public String getText() {
    return text;
  }

  public void setText(String text) {
    this.text = text;
  }

  public String getKinds() {
    return kinds;
  }

  public void setKinds(String kinds) {
    this.kinds = kinds;
  }

  public boolean isFact() {
    return fact;
  }

  public void setFact(boolean fact) {
    this.fact = fact;
  }

  public String getEventType() {
    return eventType;
  }

  public void setEventType(String eventType) {
    this.eventType = eventType;
  }

  public String getDirection() {
    return direction;
  }

  public void setDirection(String direction) {
    this.direction = direction;
  }

  public String getMarket() {
    return market;
  }

  public void setMarket(String market) {
    this.market = market;
  }

  public String getChannel() {
    return channel;
  }

  public void setChannel(String channel) {
    this.channel = channel;
  }

  public String getCohort() {
    return cohort;
  }

  public void setCohort(String cohort) {
    this.cohort = cohort;
  }

  public String getCurrency() {
    return currency;
  }

  public void setCurrency(String currency) {
    this.currency = currency;
  }

  public String getOrderId() {
    return orderId;
  }

  public void setOrderId(String orderId) {
    this.orderId = orderId;
  }

  public String getBuyerId() {
    return buyerId;
  }

  public void setBuyerId(String buyerId) {
    this.buyerId = buyerId;
  }

  public int getAge() {
    return age;
  }

  public void setAge(int age) {
    this.age = age;
  }

  public int getYear() {
    return year;
  }

  public void setYear(int year) {
    this.year = year;
  }

  public int getHalf() {
    return half;
  }

  public void setHalf(int half) {
    this.half = half;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  public void setCancelled(boolean cancelled) {
    this.cancelled = cancelled;
  }

  public BigDecimal getGross() {
    return gross;
  }

  public void setGross(BigDecimal gross) {
    this.gross = gross;
  }

  public BigDecimal getRefund() {
    return refund;
  }

  public void setRefund(BigDecimal refund) {
    this.refund = refund;
  }
}
