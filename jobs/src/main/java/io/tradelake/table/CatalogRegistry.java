package io.tradelake.table;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.apache.spark.sql.types.StructField;
import scala.Option;

/**
 * Registers the warehouse's tables by name in the session's catalog ({@code <database>.<table>}), as external
 * Delta tables over their paths, and keeps their table and column comments equal to {@link TableDocs}.
 * Idempotent: a table already registered at the same location is left alone; one registered elsewhere (another
 * warehouse) is pointed here. Comments live in each table's Delta log, so every reader sees them.
 */
public final class CatalogRegistry {

  /** What a registration did: the tables now registered, and how many of them were new or moved. */
  public record Outcome(String database, List<String> registered, int added, int commented) {
    public String describe() {
      return registered.size() + " tables in " + database + " (" + added + " newly registered, " + commented
          + " with comments updated)";
    }
  }

  private final SparkSession spark;
  private final Tables tables;
  private final TableDocs docs;
  private final String database;

  public CatalogRegistry(SparkSession spark, Tables tables, TableDocs docs, String database) {
    this.spark = spark;
    this.tables = tables;
    this.docs = docs;
    this.database = database;
  }

  public Outcome registerAll() {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + database + " COMMENT " + quote("TradeLake tables of "
        + tables.root() + ": bronze, silver, quarantine, gold, model outputs and run metrics"));
    SessionCatalog catalog = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().catalog();
    List<String> registered = new ArrayList<>();
    int added = 0;
    int commented = 0;
    for (String table : TableDocs.tables()) {
      TableIdentifier id = new TableIdentifier(table, Option.apply(database));
      if (!tables.exists(table)) {
        // Not in this warehouse (yet): a name left from another warehouse would point at data that is not ours.
        if (catalog.tableExists(id)) {
          spark.sql("DROP TABLE " + name(table)); // external: no data is deleted
        }
        continue;
      }
      URI location = new org.apache.hadoop.fs.Path(tables.path(table)).toUri();
      boolean present = catalog.tableExists(id);
      if (present && !sameLocation(registeredAt(catalog, id), location)) {
        spark.sql("DROP TABLE " + name(table)); // external: the data of the other location stays
        present = false;
      }
      if (!present) {
        spark.sql("CREATE TABLE IF NOT EXISTS " + name(table) + " USING delta LOCATION " + quote(tables.path(table)));
        added++;
      }
      if (comment(table)) {
        commented++;
      }
      registered.add(table);
    }
    return new Outcome(database, registered, added, commented);
  }

  /**
   * What registering depends on: the database, the warehouse, and for each table whether it exists, its Delta
   * id, description and schema with comments, and the docs it should carry. When it equals the last
   * registration's ({@link RegistrationRecord}), {@link #registerAll} would change nothing. Read from the tables'
   * Delta logs: neither the metastore nor a Spark job.
   */
  public String fingerprint() {
    StringBuilder text = new StringBuilder(database).append('\n').append(tables.root()).append('\n');
    for (String table : TableDocs.tables()) {
      text.append(table);
      if (tables.exists(table)) {
        Tables.Described now = tables.described(table);
        text.append('\t').append(now.id()).append('\t').append(now.description()).append('\t')
            .append(now.schema().json()).append('\t').append(docs.table(table).comment());
        for (StructField f : now.schema().fields()) {
          text.append('\t').append(f.name()).append('=').append(docs.column(table, f.name()));
        }
      }
      text.append('\n');
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }

  /** Brings the table's comments in line with the docs; each change is a Delta metadata commit. */
  private boolean comment(String table) {
    TableDocs.TableDoc doc = docs.table(table);
    String target = "delta.`" + tables.path(table) + "`";
    boolean changed = false;
    Tables.Described now = tables.described(table);
    if (!Objects.equals(now.description(), doc.comment())) {
      spark.sql("COMMENT ON TABLE " + target + " IS " + quote(doc.comment()));
      changed = true;
    }
    for (StructField f : now.schema().fields()) {
      String comment = docs.column(table, f.name());
      if (comment != null && !comment.equals(f.getComment().getOrElse(() -> null))) {
        spark.sql("ALTER TABLE " + target + " ALTER COLUMN " + f.name() + " COMMENT " + quote(comment));
        changed = true;
      }
    }
    return changed;
  }

  private static URI registeredAt(SessionCatalog catalog, TableIdentifier id) {
    try {
      return catalog.getTableMetadata(id).location();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException
        | org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      return URI.create("none:/"); // dropped meanwhile
    }
  }

  private String name(String table) {
    return database + "." + table;
  }

  private static boolean sameLocation(URI registered, URI wanted) {
    return new org.apache.hadoop.fs.Path(registered).toUri().getPath().equals(wanted.getPath());
  }

  static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
