package dev.tracklight.pipeline.cli;

import dev.tracklight.inference.InvalidInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code tracklight} command line. Exit codes: 0 success, 2 bad input (one clear line on
 * stderr), 1 anything else (a bug or an environment failure; the stack trace only with
 * {@code --verbose}).
 */
@Command(name = "tracklight", mixinStandardHelpOptions = true, versionProvider = TracklightMain.Version.class,
    description = "AI tracking and highlighting for camera fleets.",
    subcommands = {CommandLine.HelpCommand.class})
public final class TracklightMain implements Runnable {

  /** Exit code for bad user input. */
  public static final int EXIT_BAD_INPUT = 2;
  /** Exit code for failures that are not the user's input. */
  public static final int EXIT_FAILURE = 1;

  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of errors.")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    // Before anything logs: --verbose logs exceptions with their stack traces (see log4j2-verbose.properties).
    if (java.util.Arrays.asList(args).contains("--verbose")
        && System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", "log4j2-verbose.properties");
    }
    int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    if (dev.tracklight.pipeline.job.JobEnvironments.startedByCluster()) {
      // An application cluster's JobManager runs this main: System.exit would end the JobManager
      // with the job it just submitted. Return (the cluster follows the job), or throw to fail it.
      if (code != 0) {
        throw new IllegalStateException("tracklight " + String.join(" ", args) + " exited with code " + code);
      }
      return;
    }
    System.exit(code);
  }

  /** Runs the CLI with the given streams and returns the exit code (tests call this directly). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    DjlDefaults.apply();
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(args);
  }

  /** The command tree with its error handling. */
  public static CommandLine commandLine() {
    TracklightMain root = new TracklightMain();
    CommandLine cli = new CommandLine(root);
    Subcommands.register(cli);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("error: " + oneLine(ex.getMessage())
          + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
      return EXIT_BAD_INPUT;
    });
    cli.setExecutionExceptionHandler((ex, c, parsed) -> {
      boolean bad = isBadInput(ex);
      c.getErr().println("error: " + oneLine(messageOf(ex)));
      if (root.verbose) {
        ex.printStackTrace(c.getErr());
      }
      return bad ? EXIT_BAD_INPUT : EXIT_FAILURE;
    });
    return cli;
  }

  private static boolean isBadInput(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof InvalidInputException || t instanceof CommandLine.ParameterException) {
        return true;
      }
    }
    return false;
  }

  private static String messageOf(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof InvalidInputException) {
        return t.getMessage();
      }
    }
    String m = ex.getMessage();
    String top = m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    // Wrappers (Flink's "Job execution failed.") hide the reason: name the innermost cause too.
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != ex && root.getMessage() != null && !top.contains(root.getMessage())) {
      return top + " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
    return top;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  /** Version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = TracklightMain.class.getPackage().getImplementationVersion();
      return new String[] {"tracklight " + (v == null ? "dev" : v)};
    }
  }
}
