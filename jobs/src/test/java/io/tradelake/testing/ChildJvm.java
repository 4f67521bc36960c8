package io.tradelake.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a JVM with this JVM's Spark flags: the command line in a fresh process, or another program. */
public final class ChildJvm {

  private ChildJvm() {}

  /** {@code java <spark flags> -cp <classpath> <main or source file> <args>}, output to {@code log}. */
  public static Process start(String classpath, String main, List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--") || arg.startsWith("-XX:+IgnoreUnrecognized") || arg.startsWith("-Djdk.reflect")
          || arg.startsWith("-Dio.netty") || arg.startsWith("-Duser.timezone") || arg.startsWith("-Dlog4j")) {
        cmd.add(arg);
      }
    }
    // Short-lived JVMs beside a busy test JVM: the quick JIT tier only, and no concurrent GC threads.
    cmd.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, main));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  /** Waits for the process; its exit code, or an error with its log when it does not end in time. */
  public static int await(Process p, Path log, int minutes) throws Exception {
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not end in " + minutes + " min; log:\n" + Files.readString(log));
    }
    return p.exitValue();
  }

  /** Waits until the log contains {@code text}; fails if the process ends first. */
  public static void awaitLine(Process p, Path log, String text, int minutes) throws Exception {
    long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    while (System.nanoTime() < until) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      if (!p.isAlive()) {
        throw new AssertionError("child JVM ended (" + p.exitValue() + ") before '" + text + "'; log:\n"
            + Files.readString(log));
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no '" + text + "' in " + minutes + " min; log:\n" + Files.readString(log));
  }

  /** A port free now on loopback; the process given it binds it a moment later, which a test machine tolerates. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
