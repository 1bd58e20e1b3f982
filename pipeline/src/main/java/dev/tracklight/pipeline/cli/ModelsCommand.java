package dev.tracklight.pipeline.cli;

import dev.tracklight.inference.model.ModelFetcher;
import dev.tracklight.inference.model.ModelRegistry;
import dev.tracklight.inference.model.RegisteredModel;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tracklight models list|fetch}: the registered models, where they are, and how to get them. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List registered models or fetch one into the user cache.",
    subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Fetch.class})
final class ModelsCommand implements Runnable {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List registered models: licence, engine, and where the file was found.")
  static final class ListModels implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      ModelRegistry registry = ModelRegistry.fromEnvironment();
      PrintWriter out = spec.commandLine().getOut();
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAME", "ENGINE", "FAMILY", "LICENCE", "FILE"});
      for (RegisteredModel m : registry.models()) {
        String where = registry.locate(m).map(Path::toString).orElse(m.downloadInfo().isPresent()
            ? "missing: run 'tracklight models fetch " + m.name() + "'"
            : "missing: no public download; put " + m.fileNames().get(0) + " in $"
                + ModelRegistry.ASSETS_ENV + "/models");
        rows.add(new String[] {m.name(), m.engine().cliName(),
            m.family().name().toLowerCase(Locale.ROOT), m.licenseNote(), where});
      }
      // Columns as wide as their longest cell: a licence note can be long, and must not shift FILE.
      int[] widths = new int[5];
      for (String[] r : rows) {
        for (int c = 0; c < r.length; c++) {
          widths[c] = Math.max(widths[c], r[c].length());
        }
      }
      for (String[] r : rows) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < r.length - 1; c++) {
          line.append(r[c]).append(" ".repeat(widths[c] - r[c].length() + 2));
        }
        out.println(line.append(r[r.length - 1]));
      }
      out.println();
      out.println("Default: " + registry.models().get(0).name() + ". Search order: "
          + registry.assetsModelsDir().map(p -> p + ", ").orElse("$" + ModelRegistry.ASSETS_ENV
              + "/models (unset), ") + registry.cacheDir() + ".");
      return 0;
    }
  }

  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = "Download a registered model from its upstream release into the user cache.")
  static final class Fetch implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "Registered model name, e.g. yolox-nano.")
    String name;

    @Option(names = "--url", paramLabel = "URL",
        description = "Download from this URL instead of the upstream release (a mirror).")
    URI url;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      ModelRegistry registry = ModelRegistry.fromEnvironment();
      RegisteredModel model = registry.require(name);
      ModelFetcher fetcher = ModelFetcher.forRegistry(registry);
      Path file = url == null ? fetcher.fetch(model) : fetcher.fetch(model, url);
      spec.commandLine().getOut().println(model.name() + ": " + file + " (" + model.licenseNote() + ")");
      return 0;
    }
  }
}
