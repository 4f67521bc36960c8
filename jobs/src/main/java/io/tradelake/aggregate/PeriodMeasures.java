package io.tradelake.aggregate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.bit_or;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Exact measures of every reporting period (year, halves, quarters, months) and cell, from rows at month
 * level, without fanning each row out to its four periods before a multi-column count_distinct (which Spark
 * runs by copying every row once more per distinct column). Distinct counts come from one row per year, cell
 * and entity (order, buyer) holding the months it occurs in as a bit mask: the entity counts once in each
 * period whose months the mask meets, which is what count_distinct over the period gives. Entities of one
 * cell with the same mask are then counted together, so periods are made for a few rows per cell, not for
 * every entity. Sums come from the rows themselves and take the same path; the periods' labels are made for
 * the aggregated rows only.
 */
final class PeriodMeasures {

  static final List<String> PERIOD_KEYS = List.of("period_type", "period", "period_start", "period_months");
  private static final String YEAR = "_year";
  private static final String MASK = "_months";
  private static final String PERIOD = "_period";
  private static final String KIND = "_kind";
  private static final String ENTITY = "_entity";
  private static final String MONTH_BIT = "_month_bit";
  private static final String ENTITIES = "_entities";

  private final List<String> cellKeys;
  private final List<String> sums = new ArrayList<>();
  private final Map<String, String> distinctCounts = new LinkedHashMap<>();

  private PeriodMeasures(List<String> cellKeys) {
    this.cellKeys = List.copyOf(cellKeys);
  }

  /** Measures per period and the given cell columns (already rolled up: ALL rows are rows of their own). */
  static PeriodMeasures byCell(String... cellKeys) {
    return new PeriodMeasures(List.of(cellKeys));
  }

  /** The sum of {@code column}, under its own name. */
  PeriodMeasures sumOf(String column) {
    sums.add(column);
    return this;
  }

  /** The number of distinct non-null values of {@code column}, as {@code name}. */
  PeriodMeasures countDistinct(String name, String column) {
    distinctCounts.put(name, column);
    return this;
  }

  /**
   * {@code rows} has a {@code month} column (a date in the month), the cell columns and the measured ones.
   * One row per period and cell that has rows: the period keys, the cell columns, the sums, the counts
   * (zero where the cell has no entity, e.g. refunds only).
   */
  Dataset<Row> of(Dataset<Row> rows) {
    Column monthBit = call_function("shiftleft", lit(1), month(col("month")).minus(1));
    // Each row once as a value record (kind 0: its sums, keyed by its month) and once per counted entity
    // (kind i: keyed by the entity, months gathered into the mask), so that one scan and one shuffle serve all.
    List<Column> records = new ArrayList<>();
    records.add(record(0, lit(null).cast("string"), monthBit, true));
    List<String> counted = new ArrayList<>(distinctCounts.values());
    for (int i = 0; i < counted.size(); i++) {
      records.add(record(i + 1, col(counted.get(i)).cast("string"), lit(0), false));
    }
    List<Column> recordKeys = new ArrayList<>(List.of(year(col("month")).as(YEAR)));
    cellKeys.forEach(k -> recordKeys.add(col(k)));
    recordKeys.addAll(List.of(col("_r.kind").as(KIND), col("_r.entity").as(ENTITY), col("_r.month_bit").as(MONTH_BIT)));
    List<Column> recordMeasures = new ArrayList<>(List.of(bit_or(monthBit).as(MASK)));
    sums.forEach(s -> recordMeasures.add(sum(col("_r." + s)).as(s)));
    Dataset<Row> byRecord = rows
        .withColumn("_r", explode(array(records.toArray(Column[]::new))))
        .where(col("_r.kind").equalTo(0).or(col("_r.entity").isNotNull()))
        .groupBy(recordKeys.toArray(Column[]::new))
        .agg(recordMeasures.get(0), recordMeasures.subList(1, recordMeasures.size()).toArray(Column[]::new));

    // Entities with the same months count alike: one row per year, cell, kind and mask, with how many
    // entities have it, is what the periods are made from (a few per cell instead of one per entity).
    List<Column> maskKeys = new ArrayList<>(List.of(col(YEAR)));
    cellKeys.forEach(k -> maskKeys.add(col(k)));
    maskKeys.addAll(List.of(col(KIND), col(MASK)));
    List<Column> maskMeasures = new ArrayList<>(List.of(count(lit(1)).as(ENTITIES)));
    sums.forEach(s -> maskMeasures.add(sum(s).as(s)));
    Dataset<Row> byMask = byRecord.groupBy(maskKeys.toArray(Column[]::new))
        .agg(maskMeasures.get(0), maskMeasures.subList(1, maskMeasures.size()).toArray(Column[]::new));

    List<Column> measures = new ArrayList<>();
    sums.forEach(s -> measures.add(sum(s).as(s)));
    List<String> names = new ArrayList<>(distinctCounts.keySet());
    for (int i = 0; i < names.size(); i++) {
      measures.add(coalesce(sum(when(col(KIND).equalTo(i + 1), col(ENTITIES))), lit(0L)).as(names.get(i)));
    }
    List<Column> keys = new ArrayList<>(List.of(col(YEAR), col(PERIOD)));
    cellKeys.forEach(k -> keys.add(col(k)));
    Dataset<Row> cells = byMask
        .withColumn(PERIOD, explode(filter(Periods.masks(), p -> p.getField("months").bitwiseAND(col(MASK)).notEqual(0))
            .getField("index")))
        .groupBy(keys.toArray(Column[]::new))
        .agg(measures.get(0), measures.subList(1, measures.size()).toArray(Column[]::new));
    // Labels and dates only now, for the few aggregated rows.
    List<Column> out = new ArrayList<>();
    Column period = Periods.describe(col(YEAR), col(PERIOD));
    PERIOD_KEYS.forEach(k -> out.add(period.getField(k).as(k)));
    cellKeys.forEach(k -> out.add(col(k)));
    sums.forEach(s -> out.add(col(s)));
    distinctCounts.keySet().forEach(c -> out.add(col(c)));
    return cells.select(out.toArray(Column[]::new));
  }

  /** One record of a row: its kind, the entity it counts (null for values), its month bit (values) and sums. */
  private Column record(int kind, Column entity, Column monthBit, boolean withSums) {
    List<Column> fields = new ArrayList<>(List.of(lit(kind).as("kind"), entity.as("entity"), monthBit.as("month_bit")));
    sums.forEach(s -> fields.add((withSums ? col(s) : lit(null)).as(s)));
    return struct(fields.toArray(Column[]::new));
  }
}
