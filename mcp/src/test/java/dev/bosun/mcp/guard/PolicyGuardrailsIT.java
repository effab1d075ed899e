package dev.bosun.mcp.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.AgentSubjects;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicySpec;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.GpuBudget;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.ServiceAccountName;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.operator.Conditions;
import dev.bosun.operator.client.WatchCache;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.Rbac;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The guardrails on the local cluster: RBAC has the final word over the policy (the server
 * impersonates the agent), the GPU budget refuses from the ledger in the policy's status (which a
 * new server continues), and every tool call leaves an Event with the agent's identity.
 */
@ExtendWith(LocalClusterExtension.class)
class PolicyGuardrailsIT {
  private static final String FIELD_MANAGER = GuardrailsCluster.FIELD_MANAGER;

  private static KubernetesClient admin;
  private final List<Runnable> cleanup = new ArrayList<>();

  @BeforeAll
  static void install(SharedCluster cluster) {
    admin = cluster.client();
    GuardrailsCluster.install(admin);
  }

  @AfterEach
  void removeClusterScopedObjects() {
    cleanup.forEach(Runnable::run);
  }

  @Test
  void aDeployThePolicyAllowsButRbacDeniesIsRefusedNamingRbac(TestNamespace namespace) {
    String ns = namespace.name();
    environment(staging(ns), ns, null);
    var agent = serviceAccount(ns, "deployer");
    policy(ns, agent, List.of(staging(ns)), null, null);
    Workload chat = workload("chat", WorkloadType.Service, "cpu-s", Replicas.fixed(1), null);
    Tier cpuS = admin.resources(Tier.class).withName("cpu-s").get();

    try (var guardrails = PolicyGuardrails.forSession(admin, agent, false)) {
      assertThat(guardrails.mayDeploy(chat, cpuS, staging(ns))).isEqualTo(Verdict.ALLOWED);

      Workload attributed = guardrails.attributed(inNamespace(chat, ns));
      var e =
          catchThrowableOfType(
              KubernetesClientException.class, () -> apply(guardrails.agentClient(), attributed));
      var refused = guardrails.refusalOf(e).orElseThrow();
      assertThat(refused.rule()).isEqualTo("RBAC");
      assertThat(refused.reason())
          .contains("RBAC has the final word")
          .contains(agent.user())
          .contains("workloads");
      assertThat(refused.howToAllow())
          .contains("grant " + agent.user())
          .contains("on workloads.bosun.dev in namespace " + ns + " with a Role and RoleBinding");
      assertThat(admin.resources(Workload.class).inNamespace(ns).withName("chat").get()).isNull();

      grantWorkloads(ns, "deployer");
      // The API server's authorizer sees the new RoleBinding a moment later.
      Workload stored =
          await("the agent's Role in effect")
              .atMost(Duration.ofSeconds(30))
              .ignoreException(KubernetesClientException.class)
              .until(() -> apply(guardrails.agentClient(), attributed), w -> w != null);
      assertThat(stored.getMetadata().getLabels())
          .containsEntry(DeploymentAgentPolicy.POLICY_LABEL, ns);
      assertThat(stored.getMetadata().getAnnotations())
          .containsEntry(DeploymentAgentPolicy.AGENT_ANNOTATION, agent.user());
      // The agent may write Workloads in its namespace, nothing else: RBAC still decides.
      assertThatThrownBy(() -> guardrails.agentClient().secrets().inNamespace(ns).list())
          .isInstanceOfSatisfying(
              KubernetesClientException.class,
              denied -> assertThat(denied.getCode()).isEqualTo(403));
    }
  }

  @Test
  void anEnvironmentThatIsPromotedIntoIsNeverADeployTargetAndWithoutAPolicyNothingIsWritten(
      TestNamespace namespace) {
    String ns = namespace.name();
    environment(staging(ns), ns, null);
    environment(production(ns), ns, staging(ns));
    var agent = serviceAccount(ns, "deployer");
    Workload chat = workload("chat", WorkloadType.Service, "cpu-s", Replicas.fixed(1), null);
    Tier cpuS = admin.resources(Tier.class).withName("cpu-s").get();

    try (var guardrails = PolicyGuardrails.forSession(admin, agent, false)) {
      var unnamed = (Verdict.Refused) guardrails.mayDeploy(chat, cpuS, staging(ns));
      assertThat(unnamed.reason())
          .contains("no DeploymentAgentPolicy names the agent " + agent.user());
      assertThat(unnamed.howToAllow())
          .contains("serviceAccounts: [{namespace: " + ns + ", name: deployer}]");

      policy(ns, agent, List.of(staging(ns), production(ns)), null, null);
      var direct = (Verdict.Refused) guardrails.mayDeploy(chat, cpuS, production(ns));
      assertThat(direct.rule()).isEqualTo("Environment/" + production(ns) + " spec.promotesFrom");
      assertThat(direct.howToAllow())
          .contains(
              "add \"" + production(ns) + "\" to spec.promoteTo of DeploymentAgentPolicy " + ns)
          .contains("bosun promote chat --from " + staging(ns) + " --to " + production(ns));
      var promote = (Verdict.Refused) guardrails.mayPromote("chat", staging(ns), production(ns));
      assertThat(promote.rule()).isEqualTo("DeploymentAgentPolicy/" + ns + " spec.promoteTo");
    }
  }

  @Test
  void dryRunComesFromTheSessionOrThePolicyAndSandboxesStayInTheAgentsNamespaces(
      TestNamespace namespace) {
    String ns = namespace.name();
    environment(staging(ns), ns, null);
    var agent = serviceAccount(ns, "deployer");
    policy(ns, agent, List.of(staging(ns)), null, null);
    try (var writes = PolicyGuardrails.forSession(admin, agent, false);
        var session = PolicyGuardrails.forSession(admin, agent, true)) {
      assertThat(writes.dryRun()).isFalse();
      assertThat(session.dryRun()).isTrue();
      assertThat(writes.mayManageSandboxes(ns)).isEqualTo(Verdict.ALLOWED);
      var elsewhere = (Verdict.Refused) writes.mayManageSandboxes("kube-system");
      assertThat(elsewhere.rule()).isEqualTo("DeploymentAgentPolicy/" + ns + " spec.environments");

      var policy = admin.resources(DeploymentAgentPolicy.class).withName(ns).get();
      var spec = policy.getSpec();
      admin
          .resources(DeploymentAgentPolicy.class)
          .withName(ns)
          .edit(
              p -> {
                p.setSpec(
                    new DeploymentAgentPolicySpec(
                        spec.agents(),
                        spec.environments(),
                        spec.promoteTo(),
                        spec.tiers(),
                        spec.gpuBudget(),
                        true));
                return p;
              });
      // Read on every call: the edit applies to the running session.
      assertThat(writes.dryRun()).isTrue();
    }
  }

  @Test
  void gpuBudgetExhaustionRefusesFurtherGpuDeploysAndTheLedgerOutlivesTheServer(
      TestNamespace namespace) {
    String ns = namespace.name();
    environment(staging(ns), ns, null);
    var agent = serviceAccount(ns, "deployer");
    policy(ns, agent, List.of(staging(ns)), null, new GpuBudget(10, 12));
    // What the agent deployed before: 8 GPUs (gpu-xl, one pod).
    Workload trainer = workload("trainer", WorkloadType.Training, "gpu-xl", null, 1);
    Workload held = inNamespace(trainer, ns);
    held.getMetadata().setLabels(Map.of(DeploymentAgentPolicy.POLICY_LABEL, ns));
    held = apply(admin, held);
    Instant created = Instant.parse(held.getMetadata().getCreationTimestamp());
    Tier gpuM = admin.resources(Tier.class).withName("gpu-m").get();
    Tier gpuXl = admin.resources(Tier.class).withName("gpu-xl").get();

    try (var guardrails = PolicyGuardrails.forSession(admin, agent, false)) {
      var fits = workload("llm", WorkloadType.Training, "gpu-m", null, 2);
      assertThat(guardrails.mayDeploy(fits, gpuM, staging(ns))).isEqualTo(Verdict.ALLOWED);
      // Redeploying what it holds replaces it: not counted twice.
      assertThat(guardrails.mayDeploy(trainer, gpuXl, staging(ns))).isEqualTo(Verdict.ALLOWED);

      var tooMany = workload("llm", WorkloadType.Training, "gpu-m", null, 3);
      var refused = (Verdict.Refused) guardrails.mayDeploy(tooMany, gpuM, staging(ns));
      assertThat(refused.rule())
          .isEqualTo("DeploymentAgentPolicy/" + ns + " spec.gpuBudget.concurrentGpus");
      assertThat(refused.reason())
          .contains(
              "hold 8 GPUs and llm asks for 3: 11 would exceed the budget of 10 concurrent GPUs");
      // CPU deploys are not counted.
      var cpu = workload("chat", WorkloadType.Service, "cpu-s", Replicas.fixed(1), null);
      assertThat(
              guardrails.mayDeploy(
                  cpu, admin.resources(Tier.class).withName("cpu-s").get(), staging(ns)))
          .isEqualTo(Verdict.ALLOWED);
    }

    // A new server, two hours into the next day (UTC): the ledger in the policy's status charges
    // the 8 GPUs since midnight, 16 GPU-hours of the 12 a day.
    Instant nextDay =
        LocalDate.ofInstant(created, ZoneOffset.UTC)
            .plusDays(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant()
            .plus(Duration.ofHours(2));
    var one = workload("llm", WorkloadType.Training, "gpu-m", null, 1);
    try (var restarted =
        PolicyGuardrails.forSession(admin, agent, false, Clock.fixed(nextDay, ZoneOffset.UTC))) {
      var spent = (Verdict.Refused) restarted.mayDeploy(one, gpuM, staging(ns));
      assertThat(spent.rule())
          .isEqualTo("DeploymentAgentPolicy/" + ns + " spec.gpuBudget.gpuHoursPerDay");
      assertThat(spent.reason()).contains("used 16.00 of 12 GPU-hours today (UTC)");
      assertThat(spent.howToAllow()).contains("wait for midnight UTC");
    }
    var status = admin.resources(DeploymentAgentPolicy.class).withName(ns).get().getStatus();
    assertThat(status.usage().day())
        .isEqualTo(LocalDate.ofInstant(nextDay, ZoneOffset.UTC).toString());
    assertThat(status.usage().gpuSeconds()).isEqualTo(16 * 3600L);
    assertThat(status.usage().concurrentGpus()).isEqualTo(8);
    var exhausted = Conditions.find(status.conditions(), ConditionTypes.GPU_BUDGET_EXHAUSTED);
    assertThat(exhausted.status()).isEqualTo("True");
    assertThat(exhausted.reason()).isEqualTo(Reasons.BUDGET_EXCEEDED);
    assertThat(exhausted.message()).contains("16.00 of 12 GPU-hours");

    // Yet another server a minute later continues the ledger rather than starting it again.
    try (var again =
        PolicyGuardrails.forSession(
            admin, agent, false, Clock.fixed(nextDay.plusSeconds(60), ZoneOffset.UTC))) {
      assertThat(again.mayDeploy(one, gpuM, staging(ns))).isInstanceOf(Verdict.Refused.class);
    }
    assertThat(ledgerSeconds(ns)).isEqualTo(16 * 3600L + 8 * 60L);

    // A server that accrues now and then, between deploys, continues the same ledger.
    new GpuLedgers(admin, Clock.fixed(nextDay.plusSeconds(180), ZoneOffset.UTC)).accrueAll();
    assertThat(ledgerSeconds(ns)).isEqualTo(16 * 3600L + 8 * 180L);
  }

  @Test
  void everyToolCallLeavesAnEventWithTheAgentsIdentity(TestNamespace namespace) {
    String ns = namespace.name();
    var agent = serviceAccount(ns, "deployer");
    policy(ns, agent, null, null, null);
    try (var guardrails = PolicyGuardrails.forSession(admin, agent, false)) {
      guardrails.audit("validate", Map.of("file", "chat.yaml"), "allowed");
      guardrails.audit(
          "deploy",
          Map.of("environment", "production", "workload", Map.of("spec", Map.of())),
          "refused: Environment/production spec.promotesFrom");
    }
    var events =
        admin
            .v1()
            .events()
            .inNamespace(PolicyGuardrails.EVENTS_NAMESPACE)
            .list()
            .getItems()
            .stream()
            .filter(
                e ->
                    agent
                        .user()
                        .equals(
                            e.getMetadata().getAnnotations() == null
                                ? null
                                : e.getMetadata()
                                    .getAnnotations()
                                    .get(DeploymentAgentPolicy.AGENT_ANNOTATION)))
            .toList();
    cleanup.add(() -> events.forEach(e -> admin.resource(e).delete()));
    assertThat(events).hasSize(2);
    var byReason = events.stream().collect(Collectors.toMap(Event::getReason, e -> e));
    var allowed = byReason.get(Reasons.AGENT_CALL_ALLOWED);
    assertThat(allowed.getType()).isEqualTo("Normal");
    assertThat(allowed.getMessage())
        .isEqualTo("agent " + agent.user() + " called validate {file=chat.yaml}: allowed");
    assertThat(allowed.getInvolvedObject().getKind()).isEqualTo("DeploymentAgentPolicy");
    assertThat(allowed.getInvolvedObject().getName()).isEqualTo(ns);
    var refused = byReason.get(Reasons.AGENT_CALL_REFUSED);
    assertThat(refused.getType()).isEqualTo("Warning");
    assertThat(refused.getMessage())
        .isEqualTo(
            "agent "
                + agent.user()
                + " called deploy {environment=production, workload={1 fields}}: refused:"
                + " Environment/production spec.promotesFrom");
  }

  @Test
  void anAuditThatCannotBeWrittenDoesNotFailTheCall(TestNamespace namespace) {
    var agent = serviceAccount(namespace.name(), "deployer");
    // The agent's own client may not create Events: the audit is written, and fails, with it.
    try (var guardrails = PolicyGuardrails.forSession(admin, agent, false);
        var asAgent = PolicyGuardrails.forSession(guardrails.agentClient(), agent, false)) {
      asAgent.audit("deploy", Map.of(), "allowed");
    }
  }

  @Test
  void theApiServerRefusesABadPolicyNamingTheField(TestNamespace namespace) {
    var noAgents =
        new DeploymentAgentPolicySpec(new AgentSubjects(null, null), null, null, null, null, null);
    assertRejected(namespace.name() + "-a", noAgents, "spec.agents", "name at least one agent");
    var twice =
        new DeploymentAgentPolicySpec(
            new AgentSubjects(null, List.of("ci@example.com")),
            List.of("staging", "staging"),
            null,
            null,
            null,
            null);
    assertRejected(namespace.name() + "-b", twice, "spec.environments", "Duplicate value");
    var negative =
        new DeploymentAgentPolicySpec(
            new AgentSubjects(null, List.of("ci@example.com")),
            null,
            null,
            null,
            new GpuBudget(-1, 1),
            null);
    assertRejected(
        namespace.name() + "-c",
        negative,
        "spec.gpuBudget.concurrentGpus",
        "greater than or equal to 0");
    var badName =
        new DeploymentAgentPolicySpec(
            new AgentSubjects(null, List.of("ci@example.com")),
            List.of("Staging!"),
            null,
            null,
            null,
            null);
    assertRejected(namespace.name() + "-d", badName, "spec.environments[0]", "should match");
  }

  private void assertRejected(
      String name, DeploymentAgentPolicySpec spec, String field, String says) {
    var policy = Policies.policy(name, spec);
    policy.getMetadata().setGeneration(null);
    assertThatThrownBy(() -> admin.resource(policy).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getMessage()).contains(field + ": ").contains(says);
            });
  }

  /**
   * Environments of the test, named by the namespace's random suffix: the namespace's whole name
   * leaves no room for a suffix within 63 characters.
   */
  private static String staging(String namespace) {
    return "staging-" + namespace.substring(namespace.lastIndexOf('-') + 1);
  }

  private static String production(String namespace) {
    return "production-" + namespace.substring(namespace.lastIndexOf('-') + 1);
  }

  /** The GPU-seconds the policy's ledger holds, as stored. */
  private static long ledgerSeconds(String policy) {
    return admin
        .resources(DeploymentAgentPolicy.class)
        .withName(policy)
        .get()
        .getStatus()
        .usage()
        .gpuSeconds();
  }

  private static AgentIdentity serviceAccount(String namespace, String name) {
    admin
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return new AgentIdentity(new ServiceAccountName(namespace, name).userName(), List.of());
  }

  private void policy(
      String name,
      AgentIdentity agent,
      List<String> environments,
      List<String> promoteTo,
      GpuBudget budget) {
    String[] account = agent.user().substring(ServiceAccountName.USER_PREFIX.length()).split(":");
    var policy =
        Policies.policy(
            name,
            new DeploymentAgentPolicySpec(
                new AgentSubjects(List.of(new ServiceAccountName(account[0], account[1])), null),
                environments,
                promoteTo,
                null,
                budget,
                null));
    policy.getMetadata().setGeneration(null);
    var applied =
        admin.resource(policy).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    cleanup.add(() -> admin.resources(DeploymentAgentPolicy.class).withName(name).delete());
    awaitInWatchCache(applied);
  }

  private void environment(String name, String namespace, String promotesFrom) {
    var environment = new Environment();
    environment.setMetadata(new ObjectMetaBuilder().withName(name).build());
    environment.setSpec(
        new EnvironmentSpecBuilder()
            .withNamespace(namespace)
            .withPromotesFrom(promotesFrom)
            .build());
    var applied =
        admin.resource(environment).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    cleanup.add(() -> admin.resources(Environment.class).withName(name).delete());
    awaitInWatchCache(applied);
  }

  /**
   * The guardrails read policies and Environments from the watch cache as it stands (milliseconds
   * behind a write, see {@link WatchCache}); a test that checks a call right after a write waits
   * until the cache has caught up with that write, as an agent would see it a moment later. The
   * object itself may have moved on since (the operator writes an Environment's status): what
   * counts is the cache's revision, which a list from it carries.
   */
  private static <T extends HasMetadata> void awaitInWatchCache(T written) {
    long version = Long.parseLong(written.getMetadata().getResourceVersion());
    @SuppressWarnings("unchecked")
    Class<T> kind = (Class<T>) written.getClass();
    await("the watch cache at " + HasMetadata.getKind(kind) + "/" + written.getMetadata().getName())
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Long.parseLong(
                        admin
                            .resources(kind)
                            .list(WatchCache.asItStands())
                            .getMetadata()
                            .getResourceVersion())
                    >= version);
  }

  private static void grantWorkloads(String namespace, String serviceAccount) {
    Rbac.role(
        admin,
        namespace,
        "deploy-workloads",
        Rbac.serviceAccount(namespace, serviceAccount),
        Rbac.rule("bosun.dev", List.of("workloads"), "get", "list", "watch", "create", "patch"));
  }

  private static Workload workload(
      String name, WorkloadType type, String size, Replicas replicas, Integer parallelism) {
    var workload = new Workload();
    workload.setMetadata(new ObjectMetaBuilder().withName(name).build());
    boolean serving = type == WorkloadType.Service || type == WorkloadType.Inference;
    workload.setSpec(
        new WorkloadSpecBuilder()
            .withType(type)
            .withImage("registry.example.com/team/" + name + ":1.0")
            .withSize(size)
            .withPort(serving ? 8080 : null)
            .withReplicas(replicas)
            .withParallelism(parallelism)
            .build());
    return workload;
  }

  private static Workload inNamespace(Workload workload, String namespace) {
    var copy = admin.getKubernetesSerialization().clone(workload);
    copy.getMetadata().setNamespace(namespace);
    return copy;
  }

  private static Workload apply(KubernetesClient client, Workload workload) {
    return client.resource(workload).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }
}
