package io.tradelake.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.tradelake.runtime.StageSqlConf;
import io.tradelake.testing.SparkTest;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.stats.AutoCompactPartitionStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With auto compaction on (as reference.conf has it), a ledger (and each quarantine partition) is compacted on
 * every {@link Tables#LEDGER_MAX_FILES}th commit, not after every append; other tables keep Delta's auto
 * compaction.
 */
@SparkTest
class LedgerCompactionTest {

  static long files(SparkSession spark, Tables tables, String table) {
    return DeltaTable.forPath(spark, tables.path(table)).detail().select("numFiles").first().getLong(0);
  }

  static long optimizeCommits(SparkSession spark, Tables tables, String table) {
    return DeltaTable.forPath(spark, tables.path(table)).history().where("operation = 'OPTIMIZE'").count();
  }

  @Test
  void aLedgerIsCompactedEveryTenthCommitAndOtherTablesOnTheirAppend(SparkSession spark, @TempDir Path dir) {
    Tables tables = Tables.at(dir.toString(), spark);
    try (StageSqlConf on = StageSqlConf.apply(spark, Map.of(Tables.AUTO_COMPACT, "true"))) {
      for (int i = 1; i <= 2; i++) {
        tables.append(batch(spark, i), Tables.CLEAN_LOG);
        tables.append(batch(spark, i), Tables.GROWTH_CELLS);
      }
      // Delta keeps its auto compaction's state per JVM, and compacts a table's small files on a JVM's first
      // write to it: what every daily run (a new JVM) does. Its state cleared, this JVM is such a new one.
      AutoCompactPartitionStats.instance(spark).resetTestOnly();
      tables.append(batch(spark, 3), Tables.GROWTH_CELLS);
      assertThat(files(spark, tables, Tables.GROWTH_CELLS)).isEqualTo(1);
      assertThat(optimizeCommits(spark, tables, Tables.GROWTH_CELLS)).isEqualTo(1);
      for (int i = 3; i < Tables.LEDGER_MAX_FILES; i++) {
        tables.append(batch(spark, i), Tables.CLEAN_LOG);
      }
      assertThat(files(spark, tables, Tables.CLEAN_LOG)).isEqualTo(Tables.LEDGER_MAX_FILES - 1);
      assertThat(optimizeCommits(spark, tables, Tables.CLEAN_LOG)).isZero();
      assertThat(spark.conf().get(Tables.AUTO_COMPACT)).isEqualTo("true");

      tables.append(batch(spark, Tables.LEDGER_MAX_FILES), Tables.CLEAN_LOG);
      assertThat(files(spark, tables, Tables.CLEAN_LOG)).isEqualTo(1);
      assertThat(optimizeCommits(spark, tables, Tables.CLEAN_LOG)).isEqualTo(1);
      // Compaction moves rows: every batch is still there, once.
      assertThat(tables.read(Tables.CLEAN_LOG).distinct().count()).isEqualTo(Tables.LEDGER_MAX_FILES);
      assertThat(tables.read(Tables.CLEAN_LOG).count()).isEqualTo(Tables.LEDGER_MAX_FILES);
    }
  }

  @Test
  void quarantineIsCompactedPerRuleEveryTenthCommitNotOnANewJvmsFirstWrite(SparkSession spark, @TempDir Path dir) {
    Tables tables = Tables.at(dir.toString(), spark);
    try (StageSqlConf on = StageSqlConf.apply(spark, Map.of(Tables.AUTO_COMPACT, "true"))) {
      for (int i = 1; i < Tables.LEDGER_MAX_FILES; i++) {
        AutoCompactPartitionStats.instance(spark).resetTestOnly(); // each write as a daily run's, in a new JVM
        tables.append(twoRules(spark, i), Tables.QUARANTINE, "rule");
      }
      assertThat(files(spark, tables, Tables.QUARANTINE)).isEqualTo(2L * (Tables.LEDGER_MAX_FILES - 1));
      assertThat(optimizeCommits(spark, tables, Tables.QUARANTINE)).isZero();

      tables.append(twoRules(spark, Tables.LEDGER_MAX_FILES), Tables.QUARANTINE, "rule");
      assertThat(files(spark, tables, Tables.QUARANTINE)).isEqualTo(2);
      assertThat(optimizeCommits(spark, tables, Tables.QUARANTINE)).isEqualTo(1);
      assertThat(tables.read(Tables.QUARANTINE).distinct().count()).isEqualTo(2L * Tables.LEDGER_MAX_FILES);
    }
  }

  /** One row for each of two rules: a file in each rule's partition. */
  static Dataset<Row> twoRules(SparkSession spark, long n) {
    return batch(spark, n).selectExpr("batch", "explode(array('bad_timestamp', 'blank_line')) AS rule");
  }

  static Dataset<Row> batch(SparkSession spark, long n) {
    return spark.range(n, n + 1, 1, 1).toDF("batch");
  }

  @Test
  void withAutoCompactionOffALedgerIsNotCompacted(SparkSession spark, @TempDir Path dir) {
    Tables tables = Tables.at(dir.toString(), spark);
    try (StageSqlConf off = StageSqlConf.apply(spark, Map.of(Tables.AUTO_COMPACT, "false"))) {
      for (int i = 0; i < Tables.LEDGER_MAX_FILES + 1; i++) {
        tables.append(batch(spark, i), Tables.RUN_METRICS);
      }
      assertThat(files(spark, tables, Tables.RUN_METRICS)).isEqualTo(Tables.LEDGER_MAX_FILES + 1);
    }
  }
}
