package io.tradelake.table;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.tradelake.testing.Rows;
import io.tradelake.testing.SparkTest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SparkTest
class FileLayoutTest {

  @Test
  void aValueGetsOneFileOrFilesOfAtLeastTheTarget() {
    assertThat(FileLayout.files(0, 4)).isEqualTo(1);
    assertThat(FileLayout.files(7, 4)).isEqualTo(1);
    assertThat(FileLayout.files(8, 4)).isEqualTo(2);
    assertThat(FileLayout.files(11, 4)).isEqualTo(2);
  }

  /** 40 rows of 2019, 3 of 2020 and 1 of a year missing from the counts, in 5 input partitions. */
  static Dataset<Row> years(SparkSession spark) {
    return spark.range(0, 44, 1, 5)
        .select(concat(lit("e"), col("id").cast("string")).as("event_id"),
            when(col("id").lt(40), lit(2019)).when(col("id").lt(43), lit(2020)).otherwise(lit(2021)).as("year"));
  }

  /** The counts of {@link #years}, without 2021. */
  static Map<Integer, Long> counts() {
    Map<Integer, Long> counts = new LinkedHashMap<>();
    counts.put(2019, 40L);
    counts.put(2020, 3L);
    return counts;
  }

  /** Per task of the laid-out rows: how many years, how many rows, the first year. */
  static Dataset<Row> perTask(Dataset<Row> laidOut) {
    return laidOut.withColumn("task", spark_partition_id()).groupBy("task")
        .agg(countDistinct("year").as("years"), count("*").as("rows"), min("year").as("year"));
  }

  @Test
  void eachTaskHoldsOneValueAndABigValueIsSpreadOverItsFiles(SparkSession spark) {
    Dataset<Row> laidOut = FileLayout.forPartitionedWrite(years(spark), "year", counts(), 10, 100, "event_id");

    // 2019: 4 files (40 / 10), 2020: 1; the uncounted 2021 row shares the first task.
    assertThat(laidOut.rdd().getNumPartitions()).isEqualTo(5);
    Dataset<Row> perTask = perTask(laidOut);
    assertThat(Rows.sorted(perTask.where(col("year").equalTo(2019)), "task")).hasSize(4);
    assertThat(Rows.sorted(perTask.where(col("years").gt(1)), "task")).containsExactly("0");
    assertThat(Rows.sorted(perTask.where(col("year").equalTo(2020)), "task", "years", "rows"))
        .containsExactly("4|1|3");
    assertThat(laidOut.count()).isEqualTo(44);
  }

  @Test
  void aValueWithABigShareOfEveryTaskStaysWhereItIs(SparkSession spark) {
    // 40 rows of 2019 over 5 input tasks is 8 a task: in place; 2020 and the uncounted 2021 are moved.
    Dataset<Row> laidOut = FileLayout.forPartitionedWrite(years(spark), "year", counts(), 10, 8, "event_id");

    assertThat(laidOut.rdd().getNumPartitions()).isEqualTo(6);
    assertThat(Rows.sorted(perTask(laidOut), "task", "years", "year"))
        .containsExactly("0|1|2019", "1|1|2019", "2|1|2019", "3|1|2019", "4|1|2019", "5|2|2020");
    assertThat(laidOut.count()).isEqualTo(44);
    Dataset<Row> input = years(spark);
    assertThat(FileLayout.forPartitionedWrite(input, "year", Map.of(2019, 40L), 10, 8, "event_id"))
        .as("every counted value in place: the rows as they are, no shuffle").isSameAs(input);
  }

  @Test
  void aPartitionedDeltaAppendWritesOneFilePerTaskAndValue(SparkSession spark, @TempDir Path dir) {
    Map<Integer, Long> counts = Map.of(2019, 40L, 2020, 3L);
    Dataset<Row> rows = years(spark).where(col("year").leq(2020));
    String path = dir.resolve("t").toString();
    FileLayout.forPartitionedWrite(rows, "year", counts, 20, 100, "event_id")
        .write().format("delta").partitionBy("year").save(path);

    Dataset<Row> files = DeltaTable.forPath(spark, path).toDF().select(col("year"),
        input_file_name().as("file")).distinct()
        .groupBy("year").agg(count("*").as("files"));
    assertThat(Rows.sorted(files)).containsExactly("2019|2", "2020|1");
  }
}
