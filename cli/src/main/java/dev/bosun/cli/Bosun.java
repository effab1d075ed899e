package dev.bosun.cli;

import dev.bosun.agent.AgentCommand;
import dev.bosun.cli.deploy.DeleteCommand;
import dev.bosun.cli.deploy.DeployCommand;
import dev.bosun.cli.deploy.PromoteCommand;
import dev.bosun.cli.deploy.StatusCommand;
import dev.bosun.cli.dev.DevCommand;
import dev.bosun.cli.gpu.GpuCommand;
import dev.bosun.cli.mcp.McpCommand;
import dev.bosun.cli.nodes.NodesCommand;
import dev.bosun.cli.operator.OperatorCommand;
import dev.bosun.cli.router.RouterCommand;
import dev.bosun.cli.sandbox.SandboxCommand;
import dev.bosun.compiler.manifest.ManifestReader;
import dev.bosun.gpu.ExitCodes;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bosun}: the command line of Bosun. */
@Command(
    name = "bosun",
    mixinStandardHelpOptions = true,
    versionProvider = Bosun.Version.class,
    description = "The operational layer for AI workloads on Kubernetes.")
public final class Bosun {
  /**
   * Names the subcommands an image carries (comma-separated), when it carries only some: the
   * agent's image has the agent's classes and not the operator's, so its {@code --help} lists
   * {@code agent} alone. Unset, all.
   */
  public static final String COMMANDS_PROPERTY = "bosun.commands";

  /** The subcommands, in the order help lists them. */
  private static final List<String> ALL_COMMANDS =
      List.of(
          "render",
          "validate",
          "tiers",
          "deploy",
          "status",
          "nodes",
          "sandbox",
          "promote",
          "delete",
          "operator",
          "router",
          "mcp",
          "gpu",
          "agent",
          "dev",
          "version",
          "help");

  private static final List<String> COMMANDS = carried(System.getProperty(COMMANDS_PROPERTY));

  /** The subcommands {@code property} names, in help's order, and help; all when it is unset. */
  static List<String> carried(String property) {
    if (property == null || property.isBlank()) return ALL_COMMANDS;
    List<String> named = List.of(property.split(","));
    return ALL_COMMANDS.stream()
        .filter(name -> name.equals("help") || named.contains(name))
        .toList();
  }

  // A switch, not a map of constructor references: the JDK 25 AOT cache writer crashes on those.
  private static Object newCommand(String name) {
    return switch (name) {
      case "render" -> new RenderCommand();
      case "validate" -> new ValidateCommand();
      case "tiers" -> new TiersCommand();
      case "deploy" -> new DeployCommand();
      case "status" -> new StatusCommand();
      case "nodes" -> new NodesCommand();
      case "sandbox" -> new SandboxCommand();
      case "promote" -> new PromoteCommand();
      case "delete" -> new DeleteCommand();
      case "operator" -> new OperatorCommand();
      case "router" -> new RouterCommand();
      case "mcp" -> new McpCommand();
      case "gpu" -> new GpuCommand();
      case "agent" -> new AgentCommand();
      case "dev" -> new DevCommand();
      case "version" -> new VersionCommand();
      case "help" -> new CommandLine.HelpCommand();
      default -> throw new IllegalArgumentException("no command " + name);
    };
  }

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("render") || args[0].equals("validate"))) {
      Thread.ofPlatform().daemon().name("bosun-schema-preload").start(Bosun::preloadWorkloadSchema);
    }
    StandardStreams streams = StandardStreams.install();
    System.exit(streams.exitCode(run(args)));
  }

  private static void preloadWorkloadSchema() {
    try {
      ManifestReader.loadWorkloadSchema();
    } catch (RuntimeException e) {
      // Left for the reader to meet again and report, as it does without a preload.
    }
  }

  /** Runs the CLI and returns its exit code (0 ok, 2 invalid input, 1 internal error). */
  public static int run(String... args) {
    CommandLine commandLine = commandLine(args);
    try {
      return commandLine.execute(args);
    } catch (RuntimeException | Error e) {
      // picocli hands exceptions to the handler below; an Error (out of memory, stack overflow)
      // passes by it.
      return internalError(commandLine.getErr(), e);
    } finally {
      commandLine.getOut().flush();
      commandLine.getErr().flush();
    }
  }

  /** The command line with every subcommand, as help and tests see it. */
  static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for {@code args}: only the subcommand they name when they name one, since
   * picocli builds a model of every subcommand it is given by reflection, a large part of a short
   * command's start-up.
   */
  static CommandLine commandLine(String[] args) {
    CommandLine commandLine = new CommandLine(new Bosun());
    String named = args.length > 0 && !args[0].equals("help") ? args[0] : null;
    for (String name : COMMANDS) {
      if (named == null || !COMMANDS.contains(named) || name.equals(named)) {
        commandLine.addSubcommand(name, newCommand(name));
      }
    }
    return commandLine.setExecutionExceptionHandler(
        (exception, failed, parseResult) -> internalError(failed.getErr(), exception));
  }

  /** One line, and the stack trace only with BOSUN_DEBUG set. */
  private static int internalError(PrintWriter err, Throwable failure) {
    err.println("bosun: internal error: " + failure);
    if (System.getenv("BOSUN_DEBUG") != null) {
      failure.printStackTrace(err);
    }
    return ExitCodes.FAILED;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"bosun " + current()};
    }

    /** The jar's Implementation-Version; "development" when run from classes. */
    static String current() {
      String version = Bosun.class.getPackage().getImplementationVersion();
      return version == null ? "development" : version;
    }
  }
}
