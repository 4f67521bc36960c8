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
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.year;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Exact measures of every reporting period (year, halves, quarters, months) and cell, from rows at month
 * level, without fanning each row out to its four periods before a multi-column count_distinct (which Spark
 * runs by copying every row once more per distinct column).
 *
 * <p>Sums are taken per year, month and cell first (a handful of rows, summed before any shuffle), then rolled
 * up and placed in their periods. A distinct count needs each entity (order, buyer) once per year and cell,
 * with the months it occurs in as a bit mask: the entity counts once in each period whose months the mask
 * meets, which is what count_distinct over the period gives. The rows of one entity are brought together by a
 * single shuffle on the entity alone, so its masks per cell, and after the roll-up per rolled-up cell, are
 * found where the entity's rows already are, with no shuffle per roll-up level and no copy of the wide rows.
 * Entities of a cell with the same mask are then counted together, so periods are made for a few rows per
 * cell, not for every entity; the periods' labels are made for the aggregated rows only.
 */
final class PeriodMeasures {

  static final List<String> PERIOD_KEYS = List.of("period_type", "period", "period_start", "period_months");
  private static final String YEAR = "_year";
  private static final String MASK = "_months";
  private static final String PERIOD = "_period";
  private static final String KIND = "_kind";
  private static final String ENTITY = "_entity";
  private static final String ENTITIES = "_entities";

  private final List<String> cellKeys;
  private final UnaryOperator<Dataset<Row>> rollUp;
  private final List<String> sums = new ArrayList<>();
  private final Map<String, String> distinctCounts = new LinkedHashMap<>();
  private String rowCount;

  private PeriodMeasures(List<String> cellKeys, UnaryOperator<Dataset<Row>> rollUp) {
    this.cellKeys = List.copyOf(cellKeys);
    this.rollUp = rollUp;
  }

  /** The named columns, in order: a cell's keys, then its measures. */
  static Column[] columns(List<String> keys, List<String> measures) {
    return java.util.stream.Stream.concat(keys.stream(), measures.stream()).map(c -> col(c)).toArray(Column[]::new);
  }

  /** Measures per period and the given cell columns, as they are in the rows (no roll-up). */
  static PeriodMeasures byCell(String... cellKeys) {
    return new PeriodMeasures(List.of(cellKeys), d -> d);
  }

  /**
   * Measures per period and the given cell columns after {@code rollUp}, which adds the roll-up rows of the
   * cell columns (it rewrites those columns, e.g. by exploding a value and ALL, and keeps every other column).
   */
  static PeriodMeasures byCell(UnaryOperator<Dataset<Row>> rollUp, String... cellKeys) {
    return new PeriodMeasures(List.of(cellKeys), rollUp);
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
   * The number of rows, as {@code name}: with it, measures are additive (stored measures plus those of new
   * rows minus those of rows taken away), and a cell whose rows are all gone has a count of zero.
   */
  PeriodMeasures countRows(String name) {
    rowCount = name;
    return this;
  }

  /**
   * {@code rows} has a {@code month} column (a date in the month), the cell columns and the measured ones.
   * One row per period and cell that has rows: the period keys, the cell columns, the sums, the counts
   * (zero where the cell has no entity, e.g. refunds only).
   */
  Dataset<Row> of(Dataset<Row> rows) {
    Column monthBit = call_function("shiftleft", lit(1), month(col("month")).minus(1));
    List<String> names = new ArrayList<>(distinctCounts.keySet());
    List<Column> keys = new ArrayList<>(List.of(col(YEAR), col(PERIOD)));
    cellKeys.forEach(k -> keys.add(col(k)));
    List<Column> measures = new ArrayList<>();
    sums.forEach(s -> measures.add(sum(s).as(s)));
    for (int i = 0; i < names.size(); i++) {
      measures.add(coalesce(sum(when(col(KIND).equalTo(i + 1), col(ENTITIES))), lit(0L)).as(names.get(i)));
    }
    if (rowCount != null) {
      measures.add(coalesce(sum(when(col(KIND).equalTo(0), col(ENTITIES))), lit(0L)).as(rowCount));
    }
    Dataset<Row> parts = values(rows, monthBit);
    if (!names.isEmpty()) {
      parts = parts.unionByName(entityCounts(rows, monthBit), true);
    }
    Dataset<Row> cells = parts.groupBy(keys.toArray(Column[]::new))
        .agg(measures.get(0), measures.subList(1, measures.size()).toArray(Column[]::new));
    // Labels and dates only now, for the few aggregated rows.
    List<Column> out = new ArrayList<>();
    Column period = Periods.describe(col(YEAR), col(PERIOD));
    PERIOD_KEYS.forEach(k -> out.add(period.getField(k).as(k)));
    cellKeys.forEach(k -> out.add(col(k)));
    sums.forEach(s -> out.add(col(s)));
    names.forEach(c -> out.add(col(c)));
    if (rowCount != null) {
      out.add(col(rowCount));
    }
    return cells.select(out.toArray(Column[]::new));
  }

  /** The sums per year, period and rolled-up cell (every row counts here, so every cell has a row). */
  private Dataset<Row> values(Dataset<Row> rows, Column monthBit) {
    List<Column> keys = new ArrayList<>(List.of(year(col("month")).as(YEAR), monthBit.as(MASK)));
    cellKeys.forEach(k -> keys.add(col(k)));
    // The row count rides along as the entities' column, so that inPeriods serves both kinds and a measure
    // without sums still has one aggregate; the final step counts only kinds 1.. from it.
    List<Column> measures = new ArrayList<>(List.of(count(lit(1)).as(ENTITIES)));
    sums.forEach(s -> measures.add(sum(s).as(s)));
    Dataset<Row> byMonth = rows.groupBy(keys.toArray(Column[]::new))
        .agg(measures.get(0), measures.subList(1, measures.size()).toArray(Column[]::new))
        .withColumn(KIND, lit(0));
    return inPeriods(rollUp.apply(byMonth), sums);
  }

  /**
   * Per kind (1 for the first distinct count, …), year, period and rolled-up cell, the number of distinct
   * entities. Each row is one record per counted entity; the records of an entity meet in one partition (the
   * only shuffle of records), where its month masks per cell and per rolled-up cell are taken: the planner
   * adds no shuffle for them, as the records are already partitioned by a subset of their grouping keys.
   */
  private Dataset<Row> entityCounts(Dataset<Row> rows, Column monthBit) {
    List<Column> entities = new ArrayList<>();
    List<String> counted = new ArrayList<>(distinctCounts.values());
    for (int i = 0; i < counted.size(); i++) {
      entities.add(struct(lit(i + 1).as("kind"), col(counted.get(i)).cast("string").as("entity")));
    }
    List<Column> narrow = new ArrayList<>(List.of(explode(array(entities.toArray(Column[]::new))).as("_r"),
        year(col("month")).as(YEAR), monthBit.as(MASK)));
    cellKeys.forEach(k -> narrow.add(col(k)));
    List<Column> byEntity = new ArrayList<>(List.of(col(KIND), col(ENTITY), col(YEAR)));
    cellKeys.forEach(k -> byEntity.add(col(k)));
    Column[] entityKeys = byEntity.toArray(Column[]::new);
    Dataset<Row> masks = rows.select(narrow.toArray(Column[]::new))
        .select(col("_r.kind").as(KIND), col("_r.entity").as(ENTITY), col("*")).drop("_r")
        .where(col(ENTITY).isNotNull())
        .repartition(col(KIND), col(ENTITY))
        .groupBy(entityKeys).agg(bit_or(col(MASK)).as(MASK));
    Dataset<Row> rolledUp = rollUp.apply(masks).groupBy(entityKeys).agg(bit_or(col(MASK)).as(MASK));
    List<Column> maskKeys = new ArrayList<>(List.of(col(KIND), col(YEAR), col(MASK)));
    cellKeys.forEach(k -> maskKeys.add(col(k)));
    Dataset<Row> byMask = rolledUp.groupBy(maskKeys.toArray(Column[]::new)).agg(count(lit(1)).as(ENTITIES));
    return inPeriods(byMask, List.of());
  }

  /**
   * Rows of {@code _kind}, {@code _year}, {@code _months} (a mask), the cells, {@code _entities} and the
   * {@code summed} columns → one row per period the mask meets, summed per kind, year, period and cell.
   */
  private Dataset<Row> inPeriods(Dataset<Row> masked, List<String> summed) {
    List<Column> keys = new ArrayList<>(List.of(col(KIND), col(YEAR), col(PERIOD)));
    cellKeys.forEach(k -> keys.add(col(k)));
    List<Column> measures = new ArrayList<>(List.of(sum(ENTITIES).as(ENTITIES)));
    summed.forEach(s -> measures.add(sum(s).as(s)));
    return masked
        .withColumn(PERIOD, explode(filter(Periods.masks(), p -> p.getField("months").bitwiseAND(col(MASK)).notEqual(0))
            .getField("index")))
        .groupBy(keys.toArray(Column[]::new))
        .agg(measures.get(0), measures.subList(1, measures.size()).toArray(Column[]::new));
  }
}
