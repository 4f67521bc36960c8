package io.tradelake.cli;

import com.typesafe.config.Config;
import io.tradelake.config.ConfigLoader;
import io.tradelake.config.ConfigPrinter;
import io.tradelake.config.Settings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tradelake config}: the effective configuration, each setting with the layer that set it. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = {"Print the effective configuration, checked as a run checks it before Spark starts.",
        "One line per setting, sorted: key = value, and where it was set (reference.conf, conf/<env>.conf or the "
            + "--config file with its line, or the --conf flags). Secrets are masked; the last line says where "
            + "the pseudonym key comes from. Exits 2 on an unknown key or a bad value, as a run would (a layout's "
            + "expressions are checked by ingest, with Spark)."})
final class ConfigCommand implements Callable<Integer> {

  @Mixin JobOptions options = new JobOptions();

  final TradeLake root;

  ConfigCommand(TradeLake root) {
    this.root = root;
  }

  @Override
  public Integer call() {
    Config config = ConfigLoader.load(options.env, options.configFile(), options.allOverrides());
    Settings settings = Settings.from(config);
    root.out().println("# env " + options.env + ": reference.conf < conf/" + options.env + ".conf"
        + (options.configFile().isPresent() ? " < " + options.configFile().get() : "") + " < --conf flags");
    root.out().print(ConfigPrinter.renderWithOrigins(config));
    root.out().println("# pseudonym key: " + settings.pseudonymKeySource());
    return 0;
  }
}
