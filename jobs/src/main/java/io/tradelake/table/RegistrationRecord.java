package io.tradelake.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file {@code <warehouse>/_catalog/registered} : the fingerprint ({@link CatalogRegistry#fingerprint}) of what
 * the embedded metastore last registered, and which Derby database it went into. A run whose tables match it
 * has nothing to register and leaves the metastore closed: opening it (Hive's client, Derby's boot) is 3-5 s of
 * a daily run in a new JVM. Deleting the metastore's database, or this file, makes the next run register again.
 */
public final class RegistrationRecord {

  private static final Logger LOG = LoggerFactory.getLogger(RegistrationRecord.class);
  static final String FILE = "registered";
  static final String DATABASE_DIR = "metastore_db";

  private RegistrationRecord() {}

  /** Whether the embedded metastore of this warehouse holds the registration {@code fingerprint} describes. */
  public static boolean matches(String warehouse, String fingerprint) {
    Optional<String> database = databaseIdentity(warehouse);
    if (database.isEmpty()) {
      return false;
    }
    try {
      return Files.readString(file(warehouse), StandardCharsets.UTF_8).equals(content(database.get(), fingerprint));
    } catch (IOException e) {
      return false; // none yet, or unreadable: register
    }
  }

  /** Records a registration just made; a record that cannot be written only means registering again next time. */
  public static void write(String warehouse, String fingerprint) {
    Optional<String> database = databaseIdentity(warehouse);
    if (database.isEmpty()) {
      return;
    }
    Path target = file(warehouse);
    try {
      Path tmp = target.resolveSibling(FILE + ".tmp");
      Files.writeString(tmp, content(database.get(), fingerprint), StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("catalog: could not record the registration in {} ({}); the next run registers again", target,
          e.getMessage());
    }
  }

  /** Forgets the registration: the next run registers. */
  public static void clear(String warehouse) {
    try {
      Files.deleteIfExists(file(warehouse));
    } catch (IOException e) {
      LOG.warn("catalog: could not delete {} ({})", file(warehouse), e.getMessage());
    }
  }

  private static Path file(String warehouse) {
    return ServeMarker.catalogDir(warehouse).resolve(FILE);
  }

  private static String content(String database, String fingerprint) {
    return "database=" + database + "\nfingerprint=" + fingerprint + "\n";
  }

  /** The Derby database's directory, by file key and creation time: a database created anew is another one. */
  private static Optional<String> databaseIdentity(String warehouse) {
    Path dir = ServeMarker.catalogDir(warehouse).resolve(DATABASE_DIR);
    try {
      BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class);
      return a.isDirectory() ? Optional.of(a.fileKey() + "@" + a.creationTime().toMillis()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
