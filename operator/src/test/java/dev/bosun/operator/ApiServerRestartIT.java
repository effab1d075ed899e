package dev.bosun.operator;

import static dev.bosun.operator.ClusterWorkloads.awaitStatus;
import static dev.bosun.operator.ClusterWorkloads.is;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.localcluster.LocalCluster;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kube-apiserver restarted under a running operator: its watches break and come back, and it goes
 * on reconciling without a restart of its own. Only the API server is restarted, with the command
 * line kwokctl started it with; etcd and the rest keep running.
 */
@ExtendWith(LocalClusterExtension.class)
class ApiServerRestartIT {
  private static SharedCluster cluster;
  private static OperatorMain operator;

  @BeforeAll
  static void operator(SharedCluster shared) {
    cluster = shared;
    operator = RunningOperator.ensureStarted(shared);
  }

  @Test
  void theOperatorRecoversWhenTheApiServerComesBack(KubernetesClient client) throws Exception {
    client.resource(Workloads.service("before", "cpu-s", 1, 1)).create();
    awaitStatus(client, "before", w -> is(w, ConditionTypes.READY, "True", null));

    restartApiServer();

    // Changes made after the restart are seen and acted on by the same operator.
    ClusterWorkloads.patchSpec(client, "before", "{\"size\":\"cpu-m\"}");
    client.resource(Workloads.service("after", "cpu-s", 1, 1)).create();
    try {
      awaitStatus(
          client,
          "before",
          w -> "cpu-m".equals(w.getStatus().tier()) && is(w, ConditionTypes.READY, "True", null));
    } catch (ConditionTimeoutException e) {
      System.out.println(
          "DIAG deployment status: "
              + client.apps().deployments().withName("before").get().getStatus());
      System.out.println(
          "DIAG pods: "
              + client.pods().list().getItems().stream()
                  .map(
                      p ->
                          p.getMetadata().getName()
                              + " "
                              + p.getStatus().getPhase()
                              + " del="
                              + p.getMetadata().getDeletionTimestamp())
                  .toList());
      System.out.println("DIAG health: " + operator.healthDetails());
      throw e;
    }
    awaitStatus(client, "after", w -> is(w, ConditionTypes.READY, "True", null));
    var health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + operator.httpPort() + "/healthz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }

  /**
   * Restarts kube-apiserver, then kube-controller-manager and kube-scheduler: they exit when they
   * cannot renew their leases while the API server is away, and on a real node the kubelet would
   * start them again. etcd keeps running; the operator is left alone.
   */
  private static void restartApiServer() throws IOException {
    // Their command lines first: the controllers may be gone before we get to them.
    var apiserver = Component.of("kube-apiserver");
    var controllerManager = Component.of("kube-controller-manager");
    var scheduler = Component.of("kube-scheduler");
    apiserver.restart(() -> !ready());
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(ApiServerRestartIT::ready);
    controllerManager.restart(() -> true);
    scheduler.restart(() -> true);
  }

  /** A running component of the local cluster, as its pid file names it. */
  private record Component(
      String name, Path pidFile, long pid, List<String> command, Path workingDirectory) {
    static Component of(String name) throws IOException {
      Path pidFile =
          LocalCluster.defaultHome()
              .toAbsolutePath()
              .resolve("kwok/clusters/" + LocalCluster.NAME + "/pids/" + name + ".pid");
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle running = ProcessHandle.of(pid).orElseThrow();
      List<String> command = new ArrayList<>();
      command.add(running.info().command().orElseThrow());
      command.addAll(List.of(running.info().arguments().orElseThrow()));
      return new Component(
          name, pidFile, pid, command, Path.of("/proc/" + pid + "/cwd").toRealPath());
    }

    void restart(Callable<Boolean> down) throws IOException {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      // Gone once it stops answering and running (it may linger as a zombie until its parent reaps
      // it).
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  down.call()
                      && (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)
                          || isZombie(pid)));
      Process restarted =
          new ProcessBuilder(command)
              .directory(workingDirectory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(cluster.cluster().logFile(name).toFile()))
              .start();
      // kwokctl stops what the pid file names: the new process, when the run ends.
      Files.writeString(pidFile, Long.toString(restarted.pid()));
    }
  }

  private static boolean isZombie(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
          .anyMatch(l -> l.startsWith("State:") && l.contains("Z"));
    } catch (IOException gone) {
      return true;
    }
  }

  private static boolean ready() {
    try {
      return "ok".equals(cluster.client().raw("/readyz"));
    } catch (RuntimeException down) {
      return false;
    }
  }
}
