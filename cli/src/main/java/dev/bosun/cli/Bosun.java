package dev.bosun.cli;

import dev.bosun.cli.agent.AgentCommand;
import dev.bosun.cli.deploy.DeleteCommand;
import dev.bosun.cli.deploy.DeployCommand;
import dev.bosun.cli.deploy.PromoteCommand;
import dev.bosun.cli.deploy.StatusCommand;
import dev.bosun.cli.dev.DevCommand;
import dev.bosun.cli.gpu.GpuCommand;
import dev.bosun.cli.operator.OperatorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bosun}: the command line of Bosun. */
@Command(
    name = "bosun",
    mixinStandardHelpOptions = true,
    versionProvider = Bosun.Version.class,
    description = "The operational layer for AI workloads on Kubernetes.",
    subcommands = {RenderCommand.class, ValidateCommand.class, TiersCommand.class,
        DeployCommand.class, StatusCommand.class, PromoteCommand.class, DeleteCommand.class, OperatorCommand.class,
        GpuCommand.class, AgentCommand.class, DevCommand.class, CommandLine.HelpCommand.class})
public final class Bosun {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (0 ok, 2 invalid input, 1 internal error). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return new CommandLine(new Bosun())
        .setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
          commandLine.getErr().println("bosun: internal error: " + exception);
          if (System.getenv("BOSUN_DEBUG") != null) {
            exception.printStackTrace(commandLine.getErr());
          }
          return ExitCodes.INTERNAL_ERROR;
        });
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Bosun.class.getPackage().getImplementationVersion();
      return new String[] {"bosun " + (version == null ? "development" : version)};
    }
  }
}
