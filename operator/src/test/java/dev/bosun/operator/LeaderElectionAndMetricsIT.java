package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.Workloads;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two replicas share one Lease: one reconciles, the other takes over when it stops. */
@ExtendWith(LocalClusterExtension.class)
class LeaderElectionAndMetricsIT {
  private static SharedCluster cluster;

  @BeforeAll
  static void crds(SharedCluster shared) {
    cluster = shared;
    RunningOperator.ensureStarted(shared);
  }

  @Test
  void oneReplicaHoldsTheLeaseAndTheOtherTakesOver(KubernetesClient client, TestNamespace namespace)
      throws Exception {
    // The Lease lives in the test's namespace, so that this pair elects apart from any other
    // operator.
    var settings = new OperatorMain.Settings(null, 0, true, namespace.name(), false);
    OperatorMain first = OperatorMain.start(settings, newClient());
    await().atMost(Duration.ofSeconds(30)).until(() -> holder(client) != null);
    OperatorMain second = OperatorMain.start(settings, newClient());
    try {
      assertThat(OperatorHttp.get(first, "/healthz").statusCode()).isEqualTo(200);
      assertThat(OperatorHttp.get(second, "/healthz").statusCode()).isEqualTo(200);
      // Only the leader reconciles: the standby's counters stay at zero.
      client.resource(Workloads.service("web", "cpu-s", 1, 1)).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> started(first) > 0);
      assertThat(started(second)).isZero();
      String metrics = OperatorHttp.get(first, "/metrics").body();
      assertThat(metrics)
          .contains("operator_sdk_reconciliations_started_total")
          .contains("operator_sdk_events_received_total")
          .contains("operator_sdk_reconciliations_queue_size_workload")
          .contains("operator_sdk_controllers_execution_reconcile_seconds_count");
      // Bosun's own series, made at the scrape from what the reconcile recorded.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  OperatorHttp.get(first, "/metrics")
                      .body()
                      .matches(
                          "(?s).*bosun_workload_condition\\{condition=\"Ready\","
                              + "namespace=\"[^\"]+\",workload=\"web\"\\} [01].*"));

      String leader = holder(client);
      first.close();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                String now = holder(client);
                return now != null && !now.equals(leader);
              });
      await().atMost(Duration.ofSeconds(30)).until(() -> started(second) > 0);
    } finally {
      first.close();
      second.close();
    }
  }

  private static KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(cluster.client().getConfiguration()).build();
  }

  private static String holder(KubernetesClient client) {
    Lease lease = client.leases().withName(OperatorMain.Settings.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /** Reconciliations the replica started, summed over its controllers and resources. */
  private static double started(OperatorMain operator) throws Exception {
    return OperatorHttp.sum(operator, "operator_sdk_reconciliations_started_total");
  }
}
