package io.tradelake.cli;

import io.tradelake.config.Settings;
import io.tradelake.table.ServeMarker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SparkConnectService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tradelake serve}: a Spark Connect server on the loopback interface over the warehouse's catalog, for
 * analysts' own tools (any Spark Connect client). It holds the embedded metastore while it runs: runs on the
 * same warehouse then skip registration, and serve registers their new tables on its next refresh.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the warehouse's tables to Spark Connect clients until stopped (Ctrl-C).",
        "Clients connect to sc://127.0.0.1:<port> and find the tables in the catalog database tradelake,",
        "registered on start and every --refresh-seconds."})
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin JobOptions options = new JobOptions();
  @Option(names = "--port", defaultValue = "15002",
      description = "Port to listen on, 1024-65535 (default: ${DEFAULT-VALUE}).")
  int port;
  @Option(names = "--refresh-seconds", defaultValue = "60",
      description = "Register tables written meanwhile every N seconds (default: ${DEFAULT-VALUE}).")
  int refreshSeconds;

  final TradeLake root;
  private final StopSignal stop = new StopSignal("tradelake-serve-stop");

  ServeCommand(TradeLake root) {
    this.root = root;
  }

  @Override
  public Integer call() throws InterruptedException {
    // Spark Connect takes no privileged port.
    if (port < 1024 || port > 65535 || refreshSeconds < 1) {
      throw new IllegalArgumentException("--port must be 1024-65535 and --refresh-seconds at least 1");
    }
    List<String> conf = new ArrayList<>(options.overrides);
    conf.add("spark.connect.grpc.binding.address=127.0.0.1");
    conf.add("spark.connect.grpc.binding.port=" + port);
    options.overrides = conf;
    Settings settings = PipelineRunner.settings(options);
    requireFreePort(port);
    boolean embedded = settings.catalog().metastore() == Settings.Catalog.Metastore.EMBEDDED;
    return serve(settings, embedded);
  }

  /** Said before the session starts, in one line: the server itself would fail only after it. */
  static void requireFreePort(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serve on 127.0.0.1:" + port + " (" + e.getMessage()
          + "): choose another --port");
    }
  }

  private int serve(Settings settings, boolean embedded) throws InterruptedException {
    // On SIGTERM / Ctrl-C: stop serving, and let the server, the session and the marker be closed first.
    try (StopSignal.Installed onExit = stop.install();
        ServeMarker marker = embedded ? ServeMarker.take(settings.warehouse(), ServeMarker.SERVE, port) : null) {
      SparkSession spark = root.sessions().open(settings);
      boolean started = false;
      try {
        Cataloging.forQueries(spark, settings);
        SparkConnectService.start(spark.sparkContext());
        started = true;
        root.out().println("serving " + settings.warehouse() + " on sc://127.0.0.1:" + port
            + " (catalog database " + settings.catalog().database() + "); stop with Ctrl-C");
        root.out().flush();
        while (!stop.awaitStop(Duration.ofSeconds(refreshSeconds))) {
          try {
            Cataloging.forQueries(spark, settings);
          } catch (RuntimeException e) { // keep serving what is registered
            LOG.warn("serve: refresh failed: {}", TradeLake.oneLine(e));
          }
        }
        return 0;
      } finally {
        if (started) { // stopping a server that never started fails, and would hide why it did not start
          SparkConnectService.stop(scala.Option.empty(), scala.Option.empty());
        }
        root.sessions().close(spark);
      }
    }
  }
}
