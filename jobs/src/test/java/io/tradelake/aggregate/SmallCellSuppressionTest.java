package io.tradelake.aggregate;

import static io.tradelake.testing.Rows.row;
import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tradelake.testing.Rows;
import io.tradelake.testing.SparkTest;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

@SparkTest
class SmallCellSuppressionTest {

  @Test
  void cellsWithFewerThanKBuyersLoseTheirMeasuresRollUpsThatPassKeepThem(SparkSession spark) {
    Dataset<Row> cells = Rows.strings(spark, "market,buyers,gross_value",
            row("JP", "4", "100.00"), row("US", "5", "900.00"), row("ALL", "9", "1000.00"), row("KR", "0", "0.00"))
        .selectExpr("market", "CAST(buyers AS BIGINT) AS buyers", "CAST(gross_value AS DECIMAL(38,2)) AS gross_value");
    Dataset<Row> out = SmallCellSuppression.apply(cells, 5, List.of("buyers", "gross_value"));
    assertThat(sorted(out, "market", "buyers", "gross_value", "suppressed")).containsExactly(
        "ALL|9|1000.00|false", "JP|null|null|true", "KR|null|null|true", "US|5|900.00|false");
  }
}
