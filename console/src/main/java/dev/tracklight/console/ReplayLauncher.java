package dev.tracklight.console;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The command line of one replay: the console does not link the Flink job; the module that does
 * (pipeline, which also builds the {@code tracklight} jar) supplies this. The process must write
 * lines {@code progress DONE TOTAL} while it runs, its outputs under {@code outDir}, exit 0 on
 * success, and otherwise end its output with one line {@code error: REASON}.
 */
@FunctionalInterface
public interface ReplayLauncher {

  /**
   * @param rulesFile the job's rule set as a file, if it has one
   */
  List<String> command(String video, Path outDir, Optional<Path> rulesFile, List<String> blurClasses);
}
