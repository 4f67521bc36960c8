package io.tradelake.ingest;

import io.tradelake.config.SourceLayout;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What ingest found wrong with a file as a whole, as one bronze row per finding, so that clean quarantines
 * it under its rule like any bad line: a gzip file that ends early (its lines before the break are kept,
 * the row stands for the lost rest) or a file changed since it was ingested (not read again).
 */
public final class FileFindings {

  /** line_kind of a row standing for the unreadable rest of a truncated file. */
  public static final String TRUNCATED = "TRUNCATED";
  /** line_kind of a row standing for a file whose content changed after it was ingested. */
  public static final String CHANGED_FILE = "CHANGED_FILE";

  /** One finding: {@code lineNumber} is where the file's readable lines end (+1). */
  public record Finding(String path, String layout, long lineNumber, String kind, String message) {}

  private FileFindings() {}

  /** Rows in the shape of {@link LayoutParser#parse}'s output; the canonical fields are null. */
  public static Dataset<Row> rows(SparkSession spark, List<Finding> findings) {
    StructType schema = new StructType()
        .add("source_file", DataTypes.StringType)
        .add("line_number", DataTypes.LongType)
        .add("raw_line", DataTypes.StringType)
        .add("layout", DataTypes.StringType)
        .add("line_kind", DataTypes.StringType)
        .add("parse_error", DataTypes.StringType);
    for (String f : SourceLayout.CANONICAL_FIELDS) {
      schema = schema.add(f, DataTypes.StringType);
    }
    List<Row> rows = new ArrayList<>();
    for (Finding f : findings) {
      Object[] values = new Object[schema.size()];
      values[0] = f.path();
      values[1] = f.lineNumber();
      values[3] = f.layout();
      values[4] = f.kind();
      values[5] = f.message();
      rows.add(RowFactory.create(values));
    }
    return spark.createDataFrame(rows, schema);
  }
}
