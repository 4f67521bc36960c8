package io.tradelake.cluster;

import io.tradelake.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Spark cluster (one master, two workers unless told otherwise) started with
 * {@code scripts/local-cluster} on free ports; its run dir (logs, work dirs with the executors' output) is kept
 * for a look after a failure.
 */
public final class LocalCluster implements AutoCloseable {

  private final Path script;
  private final Path runDir;
  private final int masterPort;
  private final Map<String, String> env;

  private LocalCluster(Path script, Path runDir, int masterPort, int uiPort, int workers, int cores, String memory) {
    this.script = script;
    this.runDir = runDir;
    this.masterPort = masterPort;
    this.env = Map.of(
        "LOCAL_CLUSTER_DIR", runDir.toString(),
        "LOCAL_CLUSTER_MASTER_PORT", Integer.toString(masterPort),
        "LOCAL_CLUSTER_UI_PORT", Integer.toString(uiPort),
        "LOCAL_CLUSTER_WORKERS", Integer.toString(workers),
        "LOCAL_CLUSTER_WORKER_PORT", "0",
        "LOCAL_CLUSTER_WORKER_UI_PORT", "0",
        "LOCAL_CLUSTER_WORKER_CORES", Integer.toString(cores),
        "LOCAL_CLUSTER_WORKER_MEMORY", memory,
        "LOCAL_CLUSTER_TIMEOUT", "180");
  }

  /** Two workers of two cores, so two applications can each have an executor on both workers at once. */
  static LocalCluster start(Path projectDir, Path runDir) throws IOException, InterruptedException {
    return start(projectDir, runDir, 2, 2, "2g");
  }

  /** {@code workers} workers, each offering {@code cores} cores and {@code memory} (e.g. "6g") to executors. */
  public static LocalCluster start(Path projectDir, Path runDir, int workers, int cores, String memory)
      throws IOException, InterruptedException {
    LocalCluster cluster = new LocalCluster(projectDir.resolve("scripts/local-cluster"), runDir,
        ChildJvm.freePort(), ChildJvm.freePort(), workers, cores, memory);
    cluster.script("stop", false); // one a killed run left
    cluster.script("start", true);
    return cluster;
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    script("stop", true);
  }

  /** Runs the script; with {@code mustSucceed}, a non-zero exit fails with the script's output. */
  private String script(String command, boolean mustSucceed) throws IOException, InterruptedException {
    Files.createDirectories(runDir);
    Path out = runDir.resolve(command + ".out");
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), command)
        .redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(4, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("local-cluster " + command + " did not finish; see " + out);
    }
    String output = Files.readString(out);
    if (mustSucceed && p.exitValue() != 0) {
      throw new AssertionError("local-cluster " + command + " exited " + p.exitValue() + ":\n" + output
          + "\nlogs: " + runDir.resolve("logs"));
    }
    return output;
  }
}
