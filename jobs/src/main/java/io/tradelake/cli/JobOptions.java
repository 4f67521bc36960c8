package io.tradelake.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every job command takes: which environment, extra config, and overrides. */
public class JobOptions {

  @Option(names = "--env", defaultValue = "local", paramLabel = "<name>",
      description = "Environment: selects conf/<name>.conf (default: ${DEFAULT-VALUE}).")
  String env;

  @Option(names = "--config", paramLabel = "<file>", description = "A HOCON file layered over the environment's.")
  Path config;

  @Option(names = "--conf", paramLabel = "<key=value>",
      description = "Override one setting (repeatable), e.g. --conf reporting-currency=USD or "
          + "--conf spark.sql.shuffle.partitions=8.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--input", paramLabel = "<dir>", description = "Raw landing root (same as --conf input=<dir>).")
  String input;

  @Option(names = "--warehouse", paramLabel = "<dir>",
      description = "Warehouse root for all tables (same as --conf warehouse=<dir>).")
  String warehouse;

  @Option(names = "--stacktrace", description = "On failure, print the full stack trace, not only the cause.")
  boolean stacktrace;

  Optional<Path> configFile() {
    return Optional.ofNullable(config);
  }

  /** The overrides with the --input and --warehouse shortcuts applied last, so they win. */
  List<String> allOverrides() {
    List<String> all = new ArrayList<>(overrides);
    if (input != null) {
      all.add("input=" + input);
    }
    if (warehouse != null) {
      all.add("warehouse=" + warehouse);
    }
    return all;
  }
}
