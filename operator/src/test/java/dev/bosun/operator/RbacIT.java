package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator's ServiceAccount may do exactly what the reconcilers do. That it may do enough is
 * proven by every other integration test, whose operator runs impersonating it; this test proves it
 * may do nothing more, asking the API server which rules apply to it.
 */
@ExtendWith(LocalClusterExtension.class)
class RbacIT {
  /** group/resource:verb for every call the reconcilers and leader election make. */
  private static final Set<String> USED =
      Set.of(
          "bosun.dev/workloads:list",
          "bosun.dev/workloads:watch",
          "bosun.dev/workloads/status:patch",
          "bosun.dev/environments:list",
          "bosun.dev/environments:watch",
          "bosun.dev/environments/status:patch",
          "bosun.dev/tiers:list",
          "bosun.dev/tiers:watch",
          "bosun.dev/gpunodehealths:list",
          "bosun.dev/gpunodehealths:watch",
          "resource.k8s.io/resourceclaims:list",
          "resource.k8s.io/resourceclaims:watch",
          "/serviceaccounts:create",
          "/serviceaccounts:patch",
          "/serviceaccounts:get",
          "/serviceaccounts:delete",
          "/services:create",
          "/services:patch",
          "/services:get",
          "/services:delete",
          "networking.k8s.io/networkpolicies:create",
          "networking.k8s.io/networkpolicies:patch",
          "networking.k8s.io/networkpolicies:get",
          "networking.k8s.io/networkpolicies:delete",
          "policy/poddisruptionbudgets:create",
          "policy/poddisruptionbudgets:patch",
          "policy/poddisruptionbudgets:get",
          "policy/poddisruptionbudgets:delete",
          "autoscaling/horizontalpodautoscalers:create",
          "autoscaling/horizontalpodautoscalers:patch",
          "autoscaling/horizontalpodautoscalers:get",
          "autoscaling/horizontalpodautoscalers:delete",
          "autoscaling/horizontalpodautoscalers:list",
          "autoscaling/horizontalpodautoscalers:watch",
          "keda.sh/scaledobjects:create",
          "keda.sh/scaledobjects:patch",
          "keda.sh/scaledobjects:get",
          "keda.sh/scaledobjects:delete",
          "resource.k8s.io/resourceclaimtemplates:create",
          "resource.k8s.io/resourceclaimtemplates:patch",
          "resource.k8s.io/resourceclaimtemplates:get",
          "resource.k8s.io/resourceclaimtemplates:delete",
          "apps/deployments:create",
          "apps/deployments:patch",
          "apps/deployments:get",
          "apps/deployments:list",
          "apps/deployments:watch",
          "apps/deployments:delete",
          "batch/jobs:create",
          "batch/jobs:patch",
          "batch/jobs:get",
          "batch/jobs:list",
          "batch/jobs:watch",
          "batch/jobs:delete",
          "/pods:list",
          "/pods:watch",
          "/pods/status:patch",
          "/events:list",
          "/events:create",
          "bosun.dev/gpuhealthpolicies:list",
          "bosun.dev/gpuhealthpolicies:watch",
          "bosun.dev/gpuhealthpolicies/status:patch",
          "resource.k8s.io/devicetaintrules:create",
          "resource.k8s.io/devicetaintrules:patch",
          "resource.k8s.io/devicetaintrules:delete",
          "resource.k8s.io/devicetaintrules:list",
          "resource.k8s.io/devicetaintrules:watch",
          "/nodes:get",
          "/nodes:patch",
          "/nodes:list",
          "/nodes:watch",
          "/namespaces:create",
          "/namespaces:patch",
          "/resourcequotas:create",
          "/resourcequotas:patch",
          "/resourcequotas:get",
          "/resourcequotas:delete",
          "/limitranges:create",
          "/limitranges:patch",
          "/limitranges:get",
          "/limitranges:delete",
          "bosun.dev/sandboxes:list",
          "bosun.dev/sandboxes:watch",
          "bosun.dev/sandboxes:patch",
          "bosun.dev/sandboxes:delete",
          "bosun.dev/sandboxes/status:patch",
          "bosun.dev/sandboxtemplates:list",
          "bosun.dev/sandboxtemplates:watch",
          "bosun.dev/sandboxtemplates/status:patch",
          "/pods:create",
          "/pods:delete",
          "/persistentvolumeclaims:create",
          "/persistentvolumeclaims:patch",
          "/persistentvolumeclaims:get",
          "/persistentvolumeclaims:delete",
          "/secrets:create",
          "/secrets:patch");

  /** What the sandbox warm pool and claim reconcilers add to {@link #USED}. */
  private static final Set<String> WARM_POOLS_AND_CLAIMS =
      Set.of(
          "bosun.dev/sandboxwarmpools:list",
          "bosun.dev/sandboxwarmpools:watch",
          "bosun.dev/sandboxwarmpools/status:patch",
          "bosun.dev/sandboxclaims:list",
          "bosun.dev/sandboxclaims:watch",
          "bosun.dev/sandboxclaims/status:patch",
          "bosun.dev/sandboxes:create",
          "bosun.dev/sandboxes:patch",
          "bosun.dev/sandboxes:delete",
          "bosun.dev/sandboxes:list",
          "bosun.dev/sandboxes:watch",
          "bosun.dev/sandboxtemplates:list",
          "bosun.dev/sandboxtemplates:watch");

  private static final Set<String> LEADER_ELECTION =
      Set.of(
          "coordination.k8s.io/leases:get",
          "coordination.k8s.io/leases:create",
          "coordination.k8s.io/leases:update");

  /** What the API server grants every authenticated identity (discovery, self reviews). */
  private static final Set<String> EVERYONE =
      Set.of(
          "authorization.k8s.io/selfsubjectaccessreviews:create",
          "authorization.k8s.io/selfsubjectrulesreviews:create",
          "authentication.k8s.io/selfsubjectreviews:create");

  private static SharedCluster cluster;

  @BeforeAll
  static void install(SharedCluster shared) {
    cluster = shared;
    RunningOperator.ensureStarted(shared);
  }

  @Test
  void theServiceAccountMayDoWhatTheReconcilersDoAndNothingMore(TestNamespace namespace) {
    assertThat(granted(namespace.name())).isEqualTo(used());
  }

  @Test
  void inItsOwnNamespaceItMayAlsoHoldTheLease() {
    var expected = used();
    expected.addAll(LEADER_ELECTION);
    assertThat(granted("bosun-system")).isEqualTo(expected);
  }

  @Test
  void kubectlAuthCanIAgrees() {
    assertThat(canI("patch", "workloads.bosun.dev", "--subresource=status")).isEqualTo("yes");
    assertThat(canI("patch", "deployments.apps")).isEqualTo("yes");
    assertThat(canI("update", "workloads.bosun.dev")).isEqualTo("no");
    assertThat(canI("get", "secrets")).isEqualTo("no");
    assertThat(canI("delete", "namespaces")).isEqualTo("no");
    assertThat(canI("create", "namespaces")).isEqualTo("yes");
  }

  /** Every verb the reconcilers use; a verb two of them use is listed in both. */
  private static TreeSet<String> used() {
    var used = new TreeSet<>(USED);
    used.addAll(WARM_POOLS_AND_CLAIMS);
    return used;
  }

  private static String canI(String verb, String resource, String... more) {
    var arguments =
        new ArrayList<>(
            List.of(
                "auth",
                "can-i",
                verb,
                resource,
                "--as=" + RunningOperator.SERVICE_ACCOUNT,
                "-n",
                "default"));
    arguments.addAll(List.of(more));
    // The answer is the last line; kubectl may warn before it (a cluster-scoped resource, say).
    return RunningOperator.kubectl(cluster, arguments.toArray(String[]::new))
        .output()
        .strip()
        .lines()
        .reduce((first, second) -> second)
        .orElse("");
  }

  private static Set<String> granted(String namespace) {
    try (var asOperator = RunningOperator.asOperator(cluster.client())) {
      var review =
          asOperator
              .authorization()
              .v1()
              .selfSubjectRulesReview()
              .create(
                  new SelfSubjectRulesReviewBuilder()
                      .withNewSpec()
                      .withNamespace(namespace)
                      .endSpec()
                      .build());
      Set<String> granted = new TreeSet<>();
      for (ResourceRule rule : review.getStatus().getResourceRules()) {
        for (String group : rule.getApiGroups()) {
          for (String resource : rule.getResources()) {
            for (String verb : rule.getVerbs()) {
              granted.add(group + "/" + resource + ":" + verb);
            }
          }
        }
      }
      granted.removeAll(EVERYONE);
      return granted;
    }
  }
}
