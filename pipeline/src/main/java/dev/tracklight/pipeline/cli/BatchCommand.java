package dev.tracklight.pipeline.cli;

import picocli.CommandLine.Command;

/** {@code tracklight batch}: archives to AWS Batch GPU workers and back (submit, status, cancel). */
@Command(name = "batch", mixinStandardHelpOptions = true,
    description = "Replay archives on AWS Batch GPU workers: submit, status, cancel (see deploy/aws-batch).",
    subcommands = {BatchSubmitCommand.class, BatchStatusCommand.class, BatchCancelCommand.class})
final class BatchCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
