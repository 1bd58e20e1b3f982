package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TracklightMainTest {

  @Test
  void everyCommandHasHelp() {
    CommandLine cli = TracklightMain.commandLine();
    assertHelp(cli);
  }

  private static void assertHelp(CommandLine cmd) {
    String qualified = cmd.getCommandSpec().qualifiedName(" ");
    String[] path = qualified.split(" ");
    String[] args = new String[path.length];
    System.arraycopy(path, 1, args, 0, path.length - 1);
    args[path.length - 1] = "--help";
    if (!"help".equals(cmd.getCommandName())) {
      CliRun run = CliRun.of(args);
      assertEquals(0, run.exitCode(), qualified + " --help: " + run.err());
      assertTrue(run.out().contains("Usage: " + qualified), qualified + " help:\n" + run.out());
      // Placeholders say what goes there (DIR, FPS, FILE), never picocli's <fieldName>.
      assertTrue(!run.out().matches("(?s).*=<[a-zA-Z]+>.*") && !run.out().matches("(?s).* <[a-z][a-zA-Z]*>.*"),
          qualified + " help has a field-name placeholder:\n" + run.out());
    }
    cmd.getSubcommands().values().forEach(TracklightMainTest::assertHelp);
  }

  @Test
  void unknownOptionIsOneLineAndExitCode2() {
    CliRun run = CliRun.of("--no-such-option");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode());
    assertTrue(run.errIsOneLine(), run.err());
    assertTrue(run.err().startsWith("error: "), run.err());
  }

  /** What bin/tracklight records its class-data archive with: a tiny job on an early cluster. */
  @Test
  void classDataTrainingRunsATinyLocalJob() {
    CliRun run = CliRun.of("cds-training");
    assertEquals(0, run.exitCode(), run.err());
  }

  @Test
  void unknownCommandIsExitCode2() {
    CliRun run = CliRun.of("frobnicate");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode());
    assertTrue(run.errIsOneLine(), run.err());
  }
}
