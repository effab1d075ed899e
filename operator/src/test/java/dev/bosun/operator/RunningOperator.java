package dev.bosun.operator;

import static org.awaitility.Awaitility.await;

import dev.bosun.localcluster.K8sBinaries;
import dev.bosun.testkit.SharedCluster;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One operator per test run, started in this JVM on the local cluster after {@code kubectl apply -k
 * deploy/} installed the CRDs, the default tiers and GpuHealthPolicy and the operator's RBAC. The
 * operator runs as its ServiceAccount (impersonated), so every integration test also proves that
 * the ClusterRole grants what the reconcilers need. Public, and in the operator's test-jar, for the
 * MCP server's integration tests.
 */
public final class RunningOperator {
  static final Path DEPLOY =
      Path.of(System.getProperty("user.dir")).resolve("../deploy").normalize();
  static final String SERVICE_ACCOUNT = "system:serviceaccount:bosun-system:bosun-operator";
  private static OperatorMain operator;

  private RunningOperator() {}

  public static synchronized OperatorMain ensureStarted(SharedCluster cluster) {
    if (operator == null) {
      installDeploy(cluster);
      operator =
          OperatorMain.start(
              new OperatorMain.Settings(null, 0, false, "bosun-system"),
              asOperator(cluster.client()));
      Runtime.getRuntime().addShutdownHook(new Thread(RunningOperator::stop));
    }
    return operator;
  }

  /** Stops the operator and starts another, as a new pod would: what it knew in memory is gone. */
  static synchronized void restart(SharedCluster cluster) {
    stop();
    operator =
        OperatorMain.start(
            new OperatorMain.Settings(null, 0, false, "bosun-system"),
            asOperator(cluster.client()));
  }

  static synchronized void stop() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  /** A client that the API server authorizes as the operator's ServiceAccount. */
  static KubernetesClient asOperator(KubernetesClient admin) {
    var config =
        new ConfigBuilder(admin.getConfiguration())
            .withImpersonateUsername(SERVICE_ACCOUNT)
            .withImpersonateGroups(
                "system:serviceaccounts",
                "system:serviceaccounts:bosun-system",
                "system:authenticated")
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * {@code kubectl apply --server-side -k deploy/}. On a fresh cluster the first apply cannot map
   * the Tiers until their CRD is established, so it runs again once the CRDs are; the second must
   * succeed.
   */
  static void installDeploy(SharedCluster cluster) {
    if (kubectl(cluster, "apply", "--server-side", "--force-conflicts", "-k", DEPLOY.toString())
            .exit()
        != 0) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  kubectl(
                              cluster,
                              "wait",
                              "--for=condition=Established",
                              "crd/workloads.bosun.dev",
                              "crd/tiers.bosun.dev",
                              "crd/environments.bosun.dev",
                              "crd/gpuhealthpolicies.bosun.dev",
                              "crd/deploymentagentpolicies.bosun.dev")
                          .exit()
                      == 0);
      var again =
          kubectl(cluster, "apply", "--server-side", "--force-conflicts", "-k", DEPLOY.toString());
      if (again.exit() != 0) {
        throw new IllegalStateException("kubectl apply -k deploy/ failed:\n" + again.output());
      }
    }
  }

  record Result(int exit, String output) {}

  static Result kubectl(SharedCluster cluster, String... arguments) {
    var command =
        new ArrayList<>(
            List.of(
                K8sBinaries.cached().orElseThrow().kubectl().toString(),
                "--kubeconfig",
                cluster.cluster().kubeconfig().toString()));
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        return new Result(124, output);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
