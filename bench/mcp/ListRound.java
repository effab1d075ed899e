// Why an MCP call cost 100 ms (docs/benchmarks.md, "The 100 ms floor"): run by bench/mcp/run.sh
// after McpBench, on the same cluster. Makes a tool call's cluster requests in its order, as the
// server's and the agent's clients do (token review, Tiers listed as the agent, policies listed,
// the audit Event created), ROUNDS rounds with consistent lists and ROUNDS with lists from the
// watch cache as it stands (resourceVersion=0): p50 and p90 of each request and of the round.

import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.Tier;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

static final int ROUNDS = 300;
static final int WARMUP = 50;

void main() {
  KubernetesClient server = new KubernetesClientBuilder().build();
  KubernetesClient agent =
      new KubernetesClientBuilder()
          .withConfig(
              new ConfigBuilder(server.getConfiguration())
                  .withImpersonateUsername(
                      "system:serviceaccount:bosun-system:bosun-deployment-agent")
                  .build())
          .build();
  String token = System.getenv("MCP_TOKEN");
  ListOptions consistent = new ListOptions();
  ListOptions asItStands = new ListOptionsBuilder().withResourceVersion("0").build();
  for (var lists : List.of(consistent, asItStands)) {
    Map<String, Runnable> steps = new LinkedHashMap<>();
    steps.put(
        "token review",
        () ->
            server
                .authentication()
                .v1()
                .tokenReviews()
                .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()));
    steps.put("list tiers (agent)", () -> agent.resources(Tier.class).list(lists));
    steps.put("list policies", () -> server.resources(DeploymentAgentPolicy.class).list(lists));
    steps.put(
        "create event",
        () ->
            server
                .v1()
                .events()
                .inNamespace("default")
                .resource(
                    new EventBuilder()
                        .withNewMetadata()
                        .withGenerateName("list-round-")
                        .endMetadata()
                        .withNewInvolvedObject()
                        .withKind("Namespace")
                        .withName("default")
                        .endInvolvedObject()
                        .withReason("ListRound")
                        .withMessage("bench/mcp/ListRound.java")
                        .build())
                .create());
    Map<String, List<Long>> nanos = new LinkedHashMap<>();
    for (int round = 0; round < WARMUP + ROUNDS; round++) {
      long roundStart = System.nanoTime();
      for (var step : steps.entrySet()) {
        long start = System.nanoTime();
        step.getValue().run();
        if (round >= WARMUP) {
          nanos
              .computeIfAbsent(step.getKey(), k -> new ArrayList<>())
              .add(System.nanoTime() - start);
        }
      }
      if (round >= WARMUP) {
        nanos.computeIfAbsent("round", k -> new ArrayList<>()).add(System.nanoTime() - roundStart);
      }
    }
    IO.println(
        "lists %s (%d rounds):"
            .formatted(
                lists == consistent ? "consistent" : "from the watch cache as it stands", ROUNDS));
    nanos.forEach(
        (step, values) -> {
          List<Long> sorted = values.stream().sorted().toList();
          IO.println(
              "  %-20s p50 %6.1f ms   p90 %6.1f ms"
                  .formatted(
                      step, sorted.get(ROUNDS / 2) / 1e6, sorted.get(ROUNDS * 9 / 10) / 1e6));
        });
  }
  System.exit(0);
}
