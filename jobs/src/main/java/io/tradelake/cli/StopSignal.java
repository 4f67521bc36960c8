package io.tradelake.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command ({@code serve}, {@code run --every}) is stopped: SIGTERM or Ctrl-C asks it to stop,
 * and the JVM's exit then waits (up to a minute) for the command to close its session, server and files.
 */
final class StopSignal {

  /** The shutdown hook's registration: closing it marks the command finished and removes the hook. */
  interface Installed extends AutoCloseable {
    @Override
    void close();
  }

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final String name;

  StopSignal(String name) {
    this.name = name;
  }

  /** Asks the command to stop (what the shutdown hook does). */
  void request() {
    stop.countDown();
  }

  /** Waits up to {@code wait}; true when a stop was asked for. */
  boolean awaitStop(Duration wait) throws InterruptedException {
    return stop.await(Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
  }

  /** Installs the shutdown hook until the returned registration is closed. */
  Installed install() {
    Thread hook = new Thread(() -> {
      request();
      try {
        finished.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    Runtime.getRuntime().addShutdownHook(hook);
    return () -> {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is what ended the command
      }
    };
  }
}
