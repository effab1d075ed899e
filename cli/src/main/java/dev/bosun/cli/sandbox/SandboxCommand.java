package dev.bosun.cli.sandbox;

import dev.bosun.api.v1alpha1.Durations;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Patterns;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.ShutdownPolicy;
import dev.bosun.cli.deploy.ClusterOptions;
import dev.bosun.localcluster.LocalCluster;
import dev.bosun.operator.client.SandboxActions;
import dev.bosun.operator.client.SandboxClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code bosun sandbox}: isolated, long-lived agents. Every subcommand takes {@code -n NAMESPACE}
 * (the kubeconfig context's namespace when absent) and {@code -o json}, as kubectl does.
 */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    description = "Create, list, suspend, resume, extend and delete agent sandboxes.",
    subcommands = {
      SandboxCommand.Create.class,
      SandboxCommand.ListCommand.class,
      SandboxCommand.Status.class,
      SandboxCommand.Suspend.class,
      SandboxCommand.Resume.class,
      SandboxCommand.Extend.class,
      SandboxCommand.Delete.class,
      SandboxCommand.Url.class
    })
public final class SandboxCommand {
  /** Where {@code url} points when neither --router nor $BOSUN_ROUTER_URL says. */
  static final String IN_CLUSTER_ROUTER = "http://bosun-sandbox-router.bosun-system.svc:8080";

  /** The file {@code bosun dev up} writes the local router's address into. */
  public static final String ROUTER_URL_FILE = "router-url";

  enum Format {
    table,
    json
  }

  /** What every subcommand takes. */
  static final class Common {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Mixin ClusterOptions cluster;

    @Option(
        names = {"-n", "--namespace"},
        paramLabel = "NAMESPACE",
        description = "The namespace; the kubeconfig context's when absent.")
    String namespace;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table",
        paramLabel = "FORMAT",
        description = "table or json; default ${DEFAULT-VALUE}.")
    Format format;

    SandboxActions actions() {
      return new SandboxActions(
          cluster.actions(spec), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    boolean json() {
      return format == Format.json;
    }
  }

  /** The sandbox a subcommand acts on. */
  static final class Named {
    @Parameters(paramLabel = "NAME", description = "The sandbox.")
    String name;
  }

  /** Whether and how long a subcommand waits for the sandbox to be Ready. */
  static final class Waiting {
    @Option(names = "--no-wait", description = "Return without waiting for Ready.")
    boolean noWait;

    @Option(
        names = "--timeout",
        defaultValue = "120s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description = "How long to wait for Ready (default ${DEFAULT-VALUE}).")
    Duration timeout;
  }

  /** A duration flag: what the API takes (90s, 10m, 2h), refused with the flag named otherwise. */
  public static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code --env NAME=VALUE}. */
  static final class EnvConverter implements ITypeConverter<EnvVar> {
    private static final Pattern NAME = Pattern.compile(Patterns.ENV_NAME);

    @Override
    public EnvVar convert(String value) {
      int equals = value.indexOf('=');
      if (equals <= 0 || !NAME.matcher(value.substring(0, equals)).matches()) {
        throw new TypeConversionException(
            "'"
                + value
                + "' must be NAME=VALUE, the name "
                + Patterns.DESCRIPTIONS.get(Patterns.ENV_NAME));
      }
      return EnvVar.literal(value.substring(0, equals), value.substring(equals + 1));
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Claim a sandbox of a template: warm from a pool when one fits, cold otherwise; wait"
              + " until it is Ready and print its name.")
  static final class Create implements Callable<Integer> {
    @Mixin Common common;

    @Option(
        names = "--template",
        required = true,
        paramLabel = "TEMPLATE",
        description = "The SandboxTemplate.")
    String template;

    @Option(
        names = "--pool",
        paramLabel = "POOL",
        description = "The SandboxWarmPool to take from; any pool of the template when absent.")
    String pool;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description = "The claim's name; generated from the template's when absent.")
    String name;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Expire this long after the start, such as 2h; the template's when absent.")
    Duration ttl;

    @Option(
        names = "--idle-timeout",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Suspend after this long without a request; the template's when absent.")
    Duration idleTimeout;

    @Option(
        names = "--shutdown-policy",
        paramLabel = "POLICY",
        description = "At expiry: Delete or Retain; the template's when absent.")
    ShutdownPolicy shutdownPolicy;

    @Option(
        names = "--env",
        paramLabel = "NAME=VALUE",
        converter = EnvConverter.class,
        description = "An environment variable (repeatable); a sandbox with env starts cold.")
    List<EnvVar> env = new ArrayList<>();

    @Mixin Waiting waiting;

    @Override
    public Integer call() {
      var lifecycle = new SandboxLifecycle(text(ttl), text(idleTimeout), shutdownPolicy);
      return common
          .actions()
          .create(
              new SandboxClient.Request(
                  common.namespace,
                  name,
                  template,
                  pool,
                  List.copyOf(env),
                  lifecycle.equals(SandboxLifecycle.NONE) ? null : lifecycle),
              !waiting.noWait,
              waiting.timeout,
              common.json());
    }

    /** Back to the API's text: the flag was parsed from it, so seconds are exact. */
    private static String text(Duration duration) {
      return duration == null ? null : duration.toSeconds() + "s";
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List sandboxes.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin Common common;

    @Option(
        names = {"-A", "--all-namespaces"},
        description = "Every namespace.")
    boolean allNamespaces;

    @Override
    public Integer call() {
      return common.actions().list(common.namespace, allNamespaces, common.json());
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "A sandbox's mode, DNS name, volume, pod and node, and when it was requested, scheduled,"
              + " ready, last used, suspended and when it expires.")
  static final class Status implements Callable<Integer> {
    @Mixin Common common;

    @Mixin Named sandbox;

    @Override
    public Integer call() {
      return common.actions().status(common.namespace, sandbox.name, common.json());
    }
  }

  @Command(
      name = "suspend",
      mixinStandardHelpOptions = true,
      description = "Delete the sandbox's pod; keep its volume, Service and name.")
  static final class Suspend implements Callable<Integer> {
    @Mixin Common common;

    @Mixin Named sandbox;

    @Override
    public Integer call() {
      return common
          .actions()
          .setMode(
              common.namespace,
              sandbox.name,
              OperatingMode.Suspended,
              false,
              Duration.ZERO,
              common.json());
    }
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Run a suspended sandbox again, with the same volume and name.")
  static final class Resume implements Callable<Integer> {
    @Mixin Common common;

    @Mixin Named sandbox;

    @Mixin Waiting waiting;

    @Override
    public Integer call() {
      return common
          .actions()
          .setMode(
              common.namespace,
              sandbox.name,
              OperatingMode.Running,
              !waiting.noWait,
              waiting.timeout,
              common.json());
    }
  }

  @Command(
      name = "extend",
      mixinStandardHelpOptions = true,
      description = "Push the sandbox's expiry back (or set one, from now, when it has none).")
  static final class Extend implements Callable<Integer> {
    @Mixin Common common;

    @Mixin Named sandbox;

    @Option(
        names = "--ttl",
        required = true,
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "How much later it expires, such as 1h.")
    Duration ttl;

    @Override
    public Integer call() {
      return common
          .actions()
          .extend(common.namespace, sandbox.name, ttl, Instant.now(), common.json());
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete the sandbox (through its claim when a claim holds it) and its volume.")
  static final class Delete implements Callable<Integer> {
    @Mixin Common common;

    @Mixin Named sandbox;

    @Override
    public Integer call() {
      return common.actions().delete(common.namespace, sandbox.name, common.json());
    }
  }

  @Command(
      name = "url",
      mixinStandardHelpOptions = true,
      description =
          "The router address of the sandbox and a token scoped to it (from the Secret the"
              + " operator keeps beside the sandbox).")
  static final class Url implements Callable<Integer> {
    @Mixin Common common;

    @Mixin Named sandbox;

    @Option(
        names = "--router",
        paramLabel = "URL",
        description =
            "The router; else $BOSUN_ROUTER_URL, the local cluster's router (bosun dev up), or the"
                + " in-cluster Service.")
    String router;

    @Override
    public Integer call() {
      return common.actions().url(common.namespace, sandbox.name, routerUrl(), common.json());
    }

    private String routerUrl() {
      return configuredRouter(router).orElse(IN_CLUSTER_ROUTER);
    }
  }

  /**
   * The router a command was told of: its {@code --router} flag, else {@code $BOSUN_ROUTER_URL},
   * else the local cluster's ({@link #localRouter}).
   */
  public static Optional<String> configuredRouter(String flag) {
    return Optional.ofNullable(flag)
        .or(() -> Optional.ofNullable(System.getenv("BOSUN_ROUTER_URL")))
        .or(SandboxCommand::localRouter);
  }

  /**
   * The local cluster's router, as {@code bosun dev router} recorded it in {@code
   * <home>/router-url}.
   */
  public static Optional<String> localRouter() {
    Path file = LocalCluster.defaultHome().resolve(ROUTER_URL_FILE);
    try {
      return Files.isReadable(file)
          ? Optional.of(Files.readString(file).strip())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
