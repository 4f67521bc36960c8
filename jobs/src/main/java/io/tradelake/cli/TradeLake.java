package io.tradelake.cli;

import io.tradelake.aggregate.AggregateJob;
import io.tradelake.clean.CleanJob;
import io.tradelake.config.SettingsException;
import io.tradelake.ingest.IngestJob;
import io.tradelake.model.BuyerScoringJob;
import io.tradelake.model.BuyerSegmentationJob;
import io.tradelake.model.MarketClusteringJob;
import io.tradelake.runtime.Job;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code tradelake} command line: one subcommand per job, and {@code run} for all four in order. */
@Command(name = "tradelake", mixinStandardHelpOptions = true, version = "tradelake 0.1.0",
    description = "Cross-border e-commerce retail logs → bronze, silver and gold Delta tables, market clusters and "
        + "buyer segments.",
    subcommands = {
        TradeLake.Ingest.class, TradeLake.Clean.class, TradeLake.Aggregate.class, TradeLake.Model.class,
        TradeLake.Run.class, OpsCommands.Status.class, OpsCommands.Maintain.class, SqlCommand.class,
        ServeCommand.class, DocsCommand.class, ConfigCommand.class,
        io.tradelake.generate.GenerateCommand.class, CommandLine.HelpCommand.class})
public final class TradeLake {

  /** Exit codes: 0 success, 1 job failure, 2 bad usage or configuration, 3 a stage's ledger does not balance. */
  static final int FAILED = 1;
  static final int BAD_CONFIG = 2;
  static final int UNBALANCED = 3;
  static final int BUSY = 4;

  private final SessionLifecycle sessions;
  private final PrintStream out;

  public TradeLake(SessionLifecycle sessions, PrintStream out) {
    this.sessions = sessions;
    this.out = out;
  }

  SessionLifecycle sessions() {
    return sessions;
  }

  PrintStream out() {
    return out;
  }

  public static void main(String[] args) {
    System.exit(commandLine(SessionLifecycle.perCommand(), System.out).execute(args));
  }

  public static CommandLine commandLine(SessionLifecycle sessions, PrintStream out) {
    TradeLake root = new TradeLake(sessions, out);
    CommandLine cli = new CommandLine(root, new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        // Commands that run Spark or print get the root, which knows how sessions are made and where output goes.
        if (JobCommand.class.isAssignableFrom(cls) || cls == OpsCommands.Status.class
            || cls == OpsCommands.Maintain.class || cls == SqlCommand.class || cls == ServeCommand.class
            || cls == DocsCommand.class || cls == ConfigCommand.class) {
          return cls.cast(cls.getDeclaredConstructor(TradeLake.class).newInstance(root));
        }
        return CommandLine.defaultFactory().create(cls);
      }
    });
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      boolean trace = cmd.getMixins().values().stream().anyMatch(m -> m instanceof JobOptions o && o.stacktrace);
      cmd.getErr().println("tradelake " + cmd.getCommandName() + ": " + oneLine(e));
      if (trace) {
        e.printStackTrace(cmd.getErr());
      }
      return exitCode(e);
    });
    return cli;
  }

  static int exitCode(Throwable e) {
    if (e instanceof SettingsException || e instanceof IllegalArgumentException) {
      return BAD_CONFIG;
    }
    if (e instanceof PipelineRunner.LedgerException) {
      return UNBALANCED;
    }
    if (e instanceof io.tradelake.table.WarehouseLock.BusyException) {
      return BUSY;
    }
    return FAILED;
  }

  /**
   * The root cause's first line that is not blank (Spark's parse errors begin with a line break): what went wrong,
   * without a stack trace.
   */
  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    String first = message.lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst()
        .orElse(root.getClass().getSimpleName());
    return root == e || root instanceof SettingsException ? first : first + " (" + root.getClass().getSimpleName() + ")";
  }

  /** A subcommand that runs a fixed list of jobs. */
  abstract static class JobCommand implements Callable<Integer> {
    @Mixin JobOptions options = new JobOptions();
    final TradeLake root;

    JobCommand(TradeLake root) {
      this.root = root;
    }

    abstract List<Supplier<Job>> jobs();

    @Override
    public Integer call() {
      return PipelineRunner.run(options, jobs().stream().map(Supplier::get).toList(), root.out, root.sessions);
    }
  }

  @Command(name = "ingest", mixinStandardHelpOptions = true,
      description = "Read new raw files (<input>/<layout>/<yyyy-mm-dd>/*) into the bronze table, every line kept.")
  static final class Ingest extends JobCommand {
    Ingest(TradeLake root) {
      super(root);
    }

    @Override
    List<Supplier<Job>> jobs() {
      return List.of(IngestJob::new);
    }
  }

  @Command(name = "clean", mixinStandardHelpOptions = true,
      description = "Bronze → silver (typed, converted, classified, deduplicated) and quarantine (with rule names).")
  static final class Clean extends JobCommand {
    @Option(names = "--rebuild",
        description = {"Clean every bronze batch again under this run's settings and replace silver_events and "
            + "quarantine with the result, each in one commit (readers see the old rows until then). The way to "
            + "apply a changed setting to all rows: a run applies a changed rule, channel, FX table or layout "
            + "to new rows only, and stops on another reporting currency, country, time zone or HMAC key. The "
            + "next aggregate then builds its cells again from all of silver; retrain the models with `model`."})
    boolean rebuild;

    Clean(TradeLake root) {
      super(root);
    }

    @Override
    List<Supplier<Job>> jobs() {
      return List.of(() -> new CleanJob(rebuild));
    }
  }

  @Command(name = "aggregate", mixinStandardHelpOptions = true,
      description = "Silver → gold: growth_by_market and youth_consumption_channel.")
  static final class Aggregate extends JobCommand {
    Aggregate(TradeLake root) {
      super(root);
    }

    @Override
    List<Supplier<Job>> jobs() {
      return List.of(AggregateJob::new);
    }
  }

  @Command(name = "model", mixinStandardHelpOptions = true,
      description = {
          "Cluster markets by growth profile (growth_by_market and silver_events → market_features, "
              + "market_clusters, market_cluster_profiles), then segment buyers by behaviour (silver_events → buyer_features, "
              + "buyer_segments, buyer_cluster_profiles). Each model is an MLlib pipeline (algorithm per "
              + "model.<name>.algorithm) fitted on the executors with k chosen by silhouette; the model is saved "
              + "under <warehouse>/models/<name>/<run id> and described in model_runs.",
          "With --score: no training. The latest saved buyer model (from model_runs) assigns the buyers of "
              + "current silver: buyer_features is recomputed and buyer_segments replaced by every buyer of the "
              + "population, new ones included, with model_run_id naming the model and run_id this run. It stops "
              + "when silver was cleaned again in another currency, country, time zone or key since the training."})
  static final class Model extends JobCommand {
    @Option(names = "--score",
        description = "Assign buyers with the latest saved buyer model instead of training (see above).")
    boolean score;

    Model(TradeLake root) {
      super(root);
    }

    @Override
    List<Supplier<Job>> jobs() {
      return score ? List.of(BuyerScoringJob::new) : List.of(MarketClusteringJob::new, BuyerSegmentationJob::new);
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "ingest, clean, aggregate and model, in order, in one session.")
  static final class Run extends JobCommand {
    /** The stages of a run, in order. */
    enum Stage { ingest, clean, aggregate, model }

    @Option(names = "--until", paramLabel = "<stage>",
        description = "Stop after this stage: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). E.g. daily "
            + "runs up to aggregate, and the models retrained on their own schedule with `model`.")
    Stage until = Stage.model;

    @Option(names = "--every", paramLabel = "<period>", converter = RunSchedule.DurationConverter.class,
        description = {"Keep running: start a run every <period> (90s, 15m, 6h, 1d or PT6H), at fixed times from "
            + "the first, in this one process until it is stopped (Ctrl-C, SIGTERM). Each run takes the files "
            + "landed since the one before, as a scheduled command would, without starting a JVM and Spark each "
            + "time. A start that finds the warehouse in use by another run is skipped."})
    Duration every;

    @Option(names = "--max-runs", paramLabel = "<n>", defaultValue = "0",
        description = "With --every: stop after <n> runs (default: 0, until stopped).")
    int maxRuns;

    /** Stops a repeating run between runs; a run interrupted by the stop is taken again by the next start. */
    private final StopSignal stop = new StopSignal("tradelake-run-stop");

    Run(TradeLake root) {
      super(root);
    }

    @Override
    public Integer call() {
      if (every == null) {
        if (maxRuns != 0) {
          throw new IllegalArgumentException("--max-runs is for repeated runs: give --every too");
        }
        return super.call();
      }
      return repeat(new RunSchedule(every, maxRuns), stop::awaitStop);
    }

    /** Runs on the schedule, pausing with {@code pause} between runs (tests land files there). */
    int repeat(RunSchedule schedule, PipelineRunner.Pause pause) {
      try (StopSignal.Installed onExit = stop.install()) {
        return PipelineRunner.repeat(options, () -> jobs().stream().map(Supplier::get).toList(), root.out,
            root.sessions, schedule, pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted between runs", e);
      }
    }

    @Override
    List<Supplier<Job>> jobs() {
      List<Supplier<Job>> jobs = new ArrayList<>();
      for (Stage stage : Stage.values()) {
        if (stage.ordinal() > until.ordinal()) {
          break;
        }
        switch (stage) {
          case ingest -> jobs.add(IngestJob::new);
          case clean -> jobs.add(CleanJob::new);
          case aggregate -> jobs.add(AggregateJob::new);
          case model -> jobs.addAll(List.of(MarketClusteringJob::new, BuyerSegmentationJob::new));
        }
      }
      return jobs;
    }
  }
}
