package io.tradelake.clean;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.replace;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Country spellings → ISO 3166 alpha-2. Knows every alpha-2 and alpha-3 code and English name (from the
 * JDK's ISO tables) plus the configured aliases, which win over the JDK's names.
 */
public final class CountryCodes {

  private static final StructType SCHEMA = new StructType()
      .add("country_key", DataTypes.StringType, false)
      .add("iso2", DataTypes.StringType, false);

  private CountryCodes() {}

  /** Lookup key of a spelling: upper case, dots dropped, runs of spaces as one. Mirrors {@link #key(Column)}. */
  static String key(String spelling) {
    return spelling.replace(".", "").replaceAll("\\s+", " ").trim().toUpperCase(Locale.ROOT);
  }

  static Column key(Column spelling) {
    // Dots dropped by plain replacement; only the run-of-spaces collapse needs a regex.
    return upper(trim(regexp_replace(replace(spelling, lit("."), lit("")), "\\s+", " ")));
  }

  public static Map<String, String> aliasTable(Map<String, List<String>> configured) {
    Map<String, String> table = new TreeMap<>();
    for (String iso2 : Locale.getISOCountries()) {
      Locale locale = new Locale("", iso2);
      table.put(key(iso2), iso2);
      table.put(key(locale.getISO3Country()), iso2);
      table.put(key(locale.getDisplayCountry(Locale.ENGLISH)), iso2);
    }
    configured.forEach((iso2, spellings) -> spellings.forEach(s -> table.put(key(s), iso2)));
    return table;
  }

  /** Adds {@code <output>} = the ISO code of {@code <input>}, null when the spelling is unknown. */
  public static Dataset<Row> normalise(Dataset<Row> events, Dataset<Row> aliases, String input, String output) {
    Dataset<Row> lookup = broadcast(aliases.withColumnRenamed("iso2", output)
        .withColumnRenamed("country_key", "_ck_" + output));
    return events.join(lookup, key(col(input)).equalTo(col("_ck_" + output)), "left")
        .drop("_ck_" + output);
  }

  public static Dataset<Row> aliasFrame(SparkSession spark, Map<String, List<String>> configured) {
    List<Row> rows = new ArrayList<>();
    aliasTable(configured).forEach((k, v) -> rows.add(RowFactory.create(k, v)));
    return spark.createDataFrame(rows, SCHEMA);
  }
}
