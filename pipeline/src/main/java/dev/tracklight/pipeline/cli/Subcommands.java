package dev.tracklight.pipeline.cli;

import picocli.CommandLine;

/** The one place that lists the CLI's subcommands. */
final class Subcommands {

  private Subcommands() {}

  static void register(CommandLine cli) {
    // One line per subcommand; keep alphabetical.
    cli.addSubcommand(new AlertsCommand());
    cli.addSubcommand(new BatchCommand());
    cli.addSubcommand(new BatchWorkerCommand());
    cli.addSubcommand(new BenchCommand());
    cli.addSubcommand(new ClassDataTrainingCommand());
    cli.addSubcommand(new DemoCommand());
    cli.addSubcommand(new DetectCommand());
    cli.addSubcommand(new EvalMotCommand());
    cli.addSubcommand(new ModelsCommand());
    cli.addSubcommand(new ReplayCommand());
    cli.addSubcommand(new RunCommand());
    cli.addSubcommand(new ScaleCommand());
    cli.addSubcommand(new ServeCommand());
    cli.addSubcommand(new TrackMotCommand());
  }
}
