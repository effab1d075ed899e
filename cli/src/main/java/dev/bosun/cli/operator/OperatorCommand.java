package dev.bosun.cli.operator;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.operator.OperatorMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bosun operator}: runs the reconcilers until stopped. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Run the Bosun operator against a kubeconfig, or in-cluster.")
public final class OperatorCommand implements Callable<Integer> {
  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "The kubeconfig to use; fabric8's default resolution (in-cluster included) when absent.")
  Path kubeconfig;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      paramLabel = "PORT",
      description = "Port of /metrics and /healthz; default ${DEFAULT-VALUE}.")
  int httpPort;

  @Option(
      names = "--leader-elect",
      description = "Take the Lease before reconciling, so that several replicas can run.")
  boolean leaderElect;

  @Option(
      names = "--lease-namespace",
      paramLabel = "NAMESPACE",
      description = "Where the Lease lives; $POD_NAMESPACE, else bosun-system.")
  String leaseNamespace;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      spec.commandLine().getErr().println("bosun: --kubeconfig: cannot read " + kubeconfig);
      return ExitCodes.INVALID_INPUT;
    }
    String namespace =
        leaseNamespace != null
            ? leaseNamespace
            : System.getenv("POD_NAMESPACE") != null
                ? System.getenv("POD_NAMESPACE")
                : "bosun-system";
    try {
      OperatorMain.run(new OperatorMain.Settings(kubeconfig, httpPort, leaderElect, namespace));
    } catch (OperatorMain.MissingCrdsException e) {
      spec.commandLine().getErr().println("bosun: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    return ExitCodes.OK;
  }
}
