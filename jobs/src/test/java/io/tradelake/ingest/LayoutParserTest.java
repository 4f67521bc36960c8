package io.tradelake.ingest;

import static io.tradelake.testing.Rows.row;
import static io.tradelake.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradelake.config.FieldSource;
import io.tradelake.config.SettingsException;
import io.tradelake.config.SourceLayout;
import io.tradelake.testing.Rows;
import io.tradelake.testing.SparkTest;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

@SparkTest
class LayoutParserTest {

  static final SourceLayout CSV = new SourceLayout("shop", SourceLayout.Format.CSV, ";", "\"", true,
      List.of("id", "inv", "qty", "price"), "",
      Map.of(
          "event_id", new FieldSource(FieldSource.Kind.COLUMN, "id"),
          "order_id", new FieldSource(FieldSource.Kind.EXPRESSION, "regexp_replace(inv, '^C', '')"),
          "event_type", new FieldSource(FieldSource.Kind.EXPRESSION,
              "CASE WHEN inv LIKE 'C%' THEN 'REFUND' ELSE 'ORDER' END"),
          "quantity", new FieldSource(FieldSource.Kind.EXPRESSION, "abs(qty)"),
          "unit_price", new FieldSource(FieldSource.Kind.COLUMN, "price"),
          "currency", new FieldSource(FieldSource.Kind.CONSTANT, "GBP")),
      List.of(), "Europe/London");

  static final SourceLayout JSON = new SourceLayout("app", SourceLayout.Format.JSONL, ",", "\"", false,
      List.of(), "id STRING, item STRUCT<qty: STRING, price: STRING>",
      Map.of(
          "event_id", new FieldSource(FieldSource.Kind.COLUMN, "id"),
          "quantity", new FieldSource(FieldSource.Kind.EXPRESSION, "item.qty"),
          "unit_price", new FieldSource(FieldSource.Kind.EXPRESSION, "item.price")),
      List.of(), "UTC");

  /** Numbered lines as RawLines.numbered gives them: each with its file's line 1. */
  static Dataset<Row> lines(SparkSession spark, Object[]... rows) {
    return Rows.strings(spark, "source_file,line_number,raw_line", rows)
        .selectExpr("source_file", "CAST(line_number AS BIGINT) AS line_number", "raw_line",
            "max(CASE WHEN line_number = 1 THEN raw_line END) OVER (PARTITION BY source_file) AS file_first_line");
  }

  @Test
  void csvLinesMapToCanonicalFieldsWithHeaderBlankAndMalformedLinesKept(SparkSession spark) {
    Dataset<Row> parsed = new LayoutParser(CSV).parse(lines(spark,
        row("f", "1", "\uFEFFid;inv;qty;price"),
        row("f", "2", "e1;536365;6;2.55"),
        row("f", "3", "e2;C536365;-2;2.55"),
        row("f", "4", "   "),
        row("f", "5", "e3;536366;1"),
        row("f", "6", "e4;536367;\"1;0\";3.00"),
        row("f", "7", "e5;536368;x;1.00")));

    assertThat(sorted(parsed, "line_number", "line_kind", "event_id", "order_id", "event_type", "quantity",
        "unit_price", "currency", "parse_error IS NOT NULL")).containsExactly(
        "1|HEADER|null|null|null|null|null|null|false",
        "2|DATA|e1|536365|ORDER|6.0|2.55|GBP|false",
        "3|DATA|e2|536365|REFUND|2.0|2.55|GBP|false",
        "4|BLANK|null|null|null|null|null|null|false",
        "5|DATA|null|null|null|null|null|null|true",
        "6|DATA|e4|536367|ORDER|null|3.00|GBP|false",
        "7|DATA|e5|536368|ORDER|null|1.00|GBP|false");
    // Every line keeps its raw text, byte for byte.
    assertThat(parsed.where("line_number = 1").first().<String>getAs("raw_line")).startsWith("\uFEFF");
  }

  @Test
  void jsonLinesParseNestedFieldsAndFlagMalformedOnes(SparkSession spark) {
    Dataset<Row> parsed = new LayoutParser(JSON).parse(lines(spark,
        row("f", "1", "{\"id\":\"a\",\"item\":{\"qty\":3,\"price\":\"9.90\"}}"),
        row("f", "2", "{\"id\":\"b\",\"item\":{\"qty\":1"),
        row("f", "3", "id,qty,price")));

    assertThat(sorted(parsed, "line_number", "line_kind", "event_id", "quantity", "unit_price",
        "parse_error IS NOT NULL")).containsExactly(
        "1|DATA|a|3|9.90|false",
        "2|DATA|null|null|null|true",
        "3|DATA|null|null|null|true");
  }

  @Test
  void headersAreMarkedOnTheBlocksOfTheFilesWhoseLineOneParsesAsTheHeader(SparkSession spark) {
    Dataset<Row> lines = lines(spark,
        row("exact", "1", "id;inv;qty;price"),
        row("exact", "2", "e1;536365;6;2.55"),
        row("spelled", "1", "\uFEFF\"ID\"; inv ;qty;price"),
        row("lost", "1", "e2;536366;1;1.00"),
        row("lost", "2", "id;inv;qty;price"));
    // Blocks as RawLines.blocks gives them; "exact" read as two blocks, the second opening on a data line.
    Dataset<Row> blocks = Rows.strings(spark, "file_path,block_start,first_line",
            row("exact", "0", "id;inv;qty;price"),
            row("exact", "17", "e1;536365;6;2.55"),
            row("spelled", "0", "\uFEFF\"ID\"; inv ;qty;price"),
            row("lost", "0", "e2;536366;1;1.00"))
        .selectExpr("file_path", "CAST(block_start AS BIGINT) AS block_start", "first_line");

    assertThat(sorted(new LayoutParser(CSV).parse(lines).where("line_kind = 'HEADER'"), "source_file"))
        .containsExactly("exact", "spelled");
    assertThat(sorted(new LayoutParser(CSV).markHeaders(blocks).where("opens_with_header"), "file_path",
        "block_start")).containsExactly("exact|0", "spelled|0");
    assertThat(new LayoutParser(JSON).markHeaders(blocks).where("opens_with_header").count()).isZero();
  }

  @Test
  void aFieldExpressionThatDoesNotResolveFailsValidation(SparkSession spark) {
    SourceLayout bad = new SourceLayout("bad", SourceLayout.Format.CSV, ",", "\"", false, List.of("a"), "",
        Map.of("event_id", new FieldSource(FieldSource.Kind.EXPRESSION, "upper(no_such_column)")), List.of(), "UTC");
    assertThatThrownBy(() -> new LayoutParser(bad).validate(spark))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("layout bad");
  }
}
