package io.tradelake.table;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * The file {@code <warehouse>/_catalog/serve.lock} that a long-lived process holds while it runs: {@code tradelake
 * serve}, or {@code tradelake run --every}. The embedded metastore (Derby) admits one process at a time, and such
 * a process keeps it open once it has used it: other commands that find a live holder here leave the metastore
 * alone instead of failing on it. A marker whose process is gone (same host) is ignored.
 */
public final class ServeMarker implements AutoCloseable {

  public static final String CATALOG_DIR = "_catalog";
  public static final String FILE = "serve.lock";

  /** The holding process, and for serve where to connect instead ({@code port} 0 for another command). */
  public record Holder(String command, long pid, String host, int port, String since) {
    public String describe() {
      return command + " (pid " + pid + " on " + host + (port > 0 ? ", sc://127.0.0.1:" + port : "") + ", since "
          + since + ")";
    }
  }

  /** What {@code tradelake serve} writes as its command. */
  public static final String SERVE = "tradelake serve";

  private final Path path;

  private ServeMarker(Path path) {
    this.path = path;
  }

  /** Whether the warehouse is on the local file system, where alone the embedded metastore (and this marker) lives. */
  public static boolean localWarehouse(String warehouse) {
    return !warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") || warehouse.startsWith("file:");
  }

  public static Path catalogDir(String warehouse) {
    return Path.of(Tables.absolute(warehouse).replaceFirst("^file:", "")).resolve(CATALOG_DIR);
  }

  /**
   * Makes the folder of the embedded metastore of a local warehouse before Derby opens it: Derby writes its log
   * there first, and would print a missing folder's error instead.
   */
  public static void prepareCatalogDir(String warehouse) {
    if (!localWarehouse(warehouse)) {
      return;
    }
    Path dir = catalogDir(warehouse);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The live serve process holding this warehouse's metastore, other than this one, if any. */
  public static Optional<Holder> holder(String warehouse) {
    Path path = catalogDir(warehouse).resolve(FILE);
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
    Holder h = new Holder(p.getProperty("command", SERVE), Long.parseLong(p.getProperty("pid", "-1")),
        p.getProperty("host", ""), Integer.parseInt(p.getProperty("port", "0")), p.getProperty("since", ""));
    boolean self = h.pid() == ProcessHandle.current().pid();
    boolean dead = host().equals(h.host()) && ProcessHandle.of(h.pid()).map(ph -> !ph.isAlive()).orElse(true);
    return self || dead ? Optional.empty() : Optional.of(h);
  }

  /**
   * Marks the warehouse's metastore as held by this process, running {@code command} ({@code port} 0 when it
   * serves no clients); fails if another live process holds it.
   */
  public static ServeMarker take(String warehouse, String command, int port) {
    Path dir = catalogDir(warehouse);
    Path path = dir.resolve(FILE);
    String content = "command=" + command + "\npid=" + ProcessHandle.current().pid() + "\nhost=" + host() + "\nport="
        + port + "\nsince=" + Instant.now() + "\n";
    try {
      Files.createDirectories(dir);
      for (int attempt = 0; attempt < 2; attempt++) {
        try {
          Files.writeString(Files.createFile(path), content, StandardCharsets.UTF_8);
          return new ServeMarker(path);
        } catch (FileAlreadyExistsException e) {
          Optional<Holder> other = holder(warehouse);
          if (other.isPresent()) {
            throw new WarehouseLock.BusyException("the catalog of " + warehouse + " is already held by "
                + other.get().describe());
          }
          Files.deleteIfExists(path); // left by a process that is gone
        }
      }
      throw new WarehouseLock.BusyException("the catalog of " + warehouse + " keeps changing hands; try again");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
