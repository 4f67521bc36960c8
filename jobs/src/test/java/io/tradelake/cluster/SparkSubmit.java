package io.tradelake.cluster;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code spark-submit --deploy-mode client} of the application jar, in a child JVM whose classpath holds Spark and
 * its dependencies only (jobs/target/spark-classpath.txt): what the jar needs beyond Spark must be inside it. The
 * child runs in an empty folder, so its environment file comes from the jar too, and its HMAC key from the
 * environment, as on a real cluster.
 */
final class SparkSubmit {

  /** The key conf/local.conf uses, so pseudonyms match a local run's. */
  static final String HMAC_KEY = "tradelake-local-development-key";

  private final Path projectDir;
  private final String master;
  private final String driverJvmOptions;
  private final Map<String, String> conf = new LinkedHashMap<>();

  /** {@code driverJvmOptions}: space-separated flags for the driver JVM (client mode: the submitting JVM). */
  SparkSubmit(Path projectDir, String master, String driverJvmOptions) {
    this.projectDir = projectDir;
    this.master = master;
    this.driverJvmOptions = driverJvmOptions;
  }

  SparkSubmit conf(String key, String value) {
    conf.put(key, value);
    return this;
  }

  /** Starts {@code tradelake <args>} in {@code workDir}, output to {@code log}. */
  Submitted start(Path workDir, Path log, List<String> args) throws IOException {
    Path jar = projectDir.resolve("jobs/target/tradelake-jobs.jar").toAbsolutePath();
    Path sparkClasspath = projectDir.resolve("jobs/target/spark-classpath.txt");
    if (!Files.isRegularFile(jar) || !Files.isRegularFile(sparkClasspath)) {
      throw new AssertionError("no " + jar + " or " + sparkClasspath + ": run after package (mvn -B verify)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(sparkJvmOptions());
    cmd.addAll(List.of(driverJvmOptions.split(" +")));
    cmd.addAll(List.of("-Xmx1g", "-Duser.timezone=UTC",
        "-Dlog4j2.configurationFile=" + projectDir.resolve("conf/log4j2.properties").toAbsolutePath(),
        "-cp", Files.readString(sparkClasspath).trim(),
        "org.apache.spark.deploy.SparkSubmit", "--master", master, "--deploy-mode", "client"));
    conf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
    cmd.addAll(List.of("--class", "io.tradelake.cli.TradeLake", jar.toString()));
    cmd.addAll(args);

    Files.createDirectories(workDir);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("TRADELAKE_CONF_DIR");
    pb.environment().put("TRADELAKE_HMAC_KEY", HMAC_KEY);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return new Submitted(pb.start(), log, String.join(" ", args));
  }

  /** A running submission. */
  record Submitted(Process process, Path log, String what) {

    /** Waits for it; its exit code. */
    int exitCode(long timeoutMinutes) throws InterruptedException {
      if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        kill();
        throw new AssertionError("spark-submit " + what + " did not finish in " + timeoutMinutes + " min; log: " + log);
      }
      return process.exitValue();
    }

    void kill() throws InterruptedException {
      if (process.isAlive()) {
        process.destroyForcibly().waitFor();
      }
    }

    /** The last lines of its output, for a failure message. */
    String tail() throws IOException {
      if (!Files.exists(log)) {
        return "";
      }
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
  }

  /** The Java 17 flags Spark needs, as this JVM got them (the failsafe argLine). */
  static List<String> sparkJvmOptions() {
    List<String> out = new ArrayList<>();
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--") || arg.startsWith("-XX:+IgnoreUnrecognized") || arg.startsWith("-Djdk.reflect")
          || arg.startsWith("-Dio.netty")) {
        out.add(arg);
      }
    }
    return out;
  }
}
