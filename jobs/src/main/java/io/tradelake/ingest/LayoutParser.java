package io.tradelake.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.tradelake.config.FieldSource;
import io.tradelake.config.SettingsException;
import io.tradelake.config.SourceLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Splits a layout's raw lines into its source columns and maps them onto the canonical raw event
 * (every field still text). A line that cannot be split keeps its text and gets a parse error.
 */
public final class LayoutParser {

  public static final String DATA = "DATA";
  public static final String HEADER = "HEADER";
  public static final String BLANK = "BLANK";
  private static final String CORRUPT = "_corrupt_record";

  private final SourceLayout layout;
  private final StructType sourceSchema;

  public LayoutParser(SourceLayout layout) {
    this.layout = layout;
    this.sourceSchema = sourceSchema(layout);
  }

  private static StructType sourceSchema(SourceLayout layout) {
    StructType schema;
    if (layout.format() == SourceLayout.Format.CSV) {
      schema = new StructType();
      for (String c : layout.columns()) {
        schema = schema.add(c, DataTypes.StringType);
      }
    } else {
      try {
        schema = StructType.fromDDL(layout.jsonSchema());
      } catch (RuntimeException e) {
        throw new SettingsException("layout " + layout.name() + ": schema is not valid Spark DDL: " + e.getMessage());
      }
    }
    return schema.add(CORRUPT, DataTypes.StringType);
  }

  /**
   * Checks the layout's field expressions against its source columns, so a typo fails the run before any
   * data is read.
   */
  public void validate(SparkSession spark) {
    Dataset<Row> empty = spark.createDataFrame(List.of(), sourceSchema);
    try {
      mapFields(empty);
    } catch (Exception e) { // AnalysisException is a checked exception to Java's eyes
      throw new SettingsException("layout " + layout.name() + ": a field mapping does not resolve: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /**
   * {@code source_file, line_number, raw_line, file_first_line} (as {@link RawLines#numbered} gives them) → adds
   * layout, line_kind, parse_error and the canonical fields.
   */
  public Dataset<Row> parse(Dataset<Row> lines) {
    Column text = withoutBom(col("raw_line"));
    // A header layout's file must open with its header; one that does not is in another layout (or has
    // lost its header), so its columns cannot be trusted: every line of it is quarantined, none skipped.
    Column headerOk = layout.header() ? opensWithHeader(col("file_first_line")) : lit(true);
    Column kind = when(lit(layout.header()).and(col("line_number").equalTo(1)).and(col("_header_ok")), lit(HEADER))
        .when(trim(text).equalTo(""), lit(BLANK))
        .otherwise(lit(DATA));
    Dataset<Row> withKind = lines.withColumn("_header_ok", headerOk)
        .withColumn("line_kind", kind).withColumn("layout", lit(layout.name()));
    Column parsed = when(col("line_kind").equalTo(DATA).and(col("_header_ok")), parser(text));
    Column error = when(col("line_kind").notEqual(DATA), lit(null).cast("string"))
        .when(not(col("_header_ok")), lit("file does not start with the header of layout " + layout.name()
            + " (" + String.join(layout.delimiter(), layout.columns()) + ")"))
        .when(col("_src").isNull().or(col("_src." + CORRUPT).isNotNull()), lit(parseErrorText()));
    Dataset<Row> split = withKind.withColumn("_src", parsed).withColumn("parse_error", error);
    List<Column> keep = new ArrayList<>(List.of(col("source_file"), col("line_number"), col("raw_line"),
        col("layout"), col("line_kind"), col("parse_error")));
    for (String c : sourceSchema.fieldNames()) {
      if (!c.equals(CORRUPT)) {
        // A line that failed to split contributes no fields: its text is in raw_line.
        keep.add(when(col("parse_error").isNull(), col("_src.`" + c + "`")).as(c));
      }
    }
    return mapFields(split.select(keep.toArray(Column[]::new)), "source_file", "line_number", "raw_line", "layout",
        "line_kind", "parse_error");
  }

  /**
   * {@link RawLines#blocks} with {@code opens_with_header}: true on a file's first block when line 1 is this
   * layout's header, the line {@link #parse} marks {@code HEADER} (bronze keeps it, clean passes over it).
   * On the blocks, a row per file block, so that the count rides on the job that collects them.
   */
  public Dataset<Row> markHeaders(Dataset<Row> blocks) {
    Column opens = layout.header()
        ? col("block_start").equalTo(0).and(opensWithHeader(col("first_line")))
        : lit(false);
    return blocks.withColumn("opens_with_header", opens);
  }

  /** True when a file's first line is the layout's header, false when it is not or the file has none. */
  private Column opensWithHeader(Column firstLine) {
    // The exact header is the common case, and a plain comparison: the normalising regexes only run when
    // it fails (every line of a file carries its first line, so this runs once per line).
    return coalesce(firstLine.equalTo(lit(String.join(layout.delimiter(), layout.columns())))
        .or(headerMatches(withoutBom(firstLine))), lit(false));
  }

  /** The text without a leading byte order mark; a test and a substring, not a regex, as it runs per line. */
  private static Column withoutBom(Column text) {
    return when(text.startsWith("\uFEFF"), substring(text, 2, Integer.MAX_VALUE)).otherwise(text);
  }

  /** The header line, compared without case, quotes or blanks. */
  private Column headerMatches(Column text) {
    String expected = String.join(layout.delimiter(), layout.columns()).toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[\"'\\s]", "");
    return lower(regexp_replace(text, "[\"'\\s]", "")).equalTo(lit(expected));
  }

  private Column parser(Column text) {
    if (layout.format() == SourceLayout.Format.CSV) {
      return from_csv(text, lit(sourceSchema.toDDL()), Map.of(
          "sep", layout.delimiter(),
          "quote", layout.quote(),
          "mode", "PERMISSIVE",
          "columnNameOfCorruptRecord", CORRUPT));
    }
    return from_json(text, sourceSchema, Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT));
  }

  private String parseErrorText() {
    return layout.format() == SourceLayout.Format.CSV
        ? "malformed csv line: expected " + layout.columns().size() + " fields separated by '" + layout.delimiter() + "'"
        : "malformed json line: not a JSON object of layout " + layout.name();
  }

  /**
   * Source columns → canonical fields. User expressions are analysed with ANSI mode off, so a cast or
   * arithmetic that cannot compute gives null (then quarantined by clean) rather than failing the job.
   */
  private Dataset<Row> mapFields(Dataset<Row> source, String... carried) {
    if (carried.length == 0) {
      source = source.withColumn("line_kind", lit(DATA)).withColumn("parse_error", lit(null).cast("string"));
    }
    SparkSession spark = source.sparkSession();
    String ansi = spark.conf().get("spark.sql.ansi.enabled", "true");
    spark.conf().set("spark.sql.ansi.enabled", "false");
    try {
      List<Column> out = new ArrayList<>();
      for (String c : carried) {
        out.add(col(c));
      }
      for (String field : SourceLayout.CANONICAL_FIELDS) {
        FieldSource fs = layout.fields().get(field);
        Column value = fs == null ? lit(null) : expr(fs.toSql());
        // Only a data line that split cleanly has fields; constants and expressions must not invent them.
        Column hasFields = col("line_kind").equalTo(DATA).and(col("parse_error").isNull());
        out.add(when(hasFields, value.cast(DataTypes.StringType)).as(field));
      }
      return source.select(out.toArray(Column[]::new));
    } finally {
      spark.conf().set("spark.sql.ansi.enabled", ansi);
    }
  }
}
