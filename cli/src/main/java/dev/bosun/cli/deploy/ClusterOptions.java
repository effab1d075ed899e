package dev.bosun.cli.deploy;

import dev.bosun.operator.OperatorMain;
import dev.bosun.operator.client.CliActions;
import dev.bosun.operator.client.UserError;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Where the cluster is: --kubeconfig, else $KUBECONFIG, ~/.kube/config or the pod's service
 * account.
 */
public final class ClusterOptions {
  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "The kubeconfig to use; fabric8's default resolution when absent.")
  Path kubeconfig;

  public KubernetesClient client() {
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      throw new UserError("--kubeconfig: cannot read " + kubeconfig);
    }
    return OperatorMain.clientFor(kubeconfig);
  }

  public CliActions actions(CommandSpec spec) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    return new CliActions(this::client, out, err);
  }
}
