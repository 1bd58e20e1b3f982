package dev.tracklight.pipeline.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code tracklight alerts ...}: tools for the live alert streams. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = "Work with the alert streams of live jobs (schema tracklight.alert.v1).",
    subcommands = {AlertsTailCommand.class})
final class AlertsCommand implements Runnable {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
