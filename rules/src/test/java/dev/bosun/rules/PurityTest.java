package dev.bosun.rules;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.bosun.operator.Conditions;
import dev.bosun.operator.EnvironmentObjects;
import dev.bosun.operator.WorkloadObservation;
import org.junit.jupiter.api.Test;

/** The pure parts of Bosun stay pure: see {@link PureCode} for what that forbids. */
class PurityTest {
  @Test
  void compilerClassificationAndStatusFunctionsArePure() {
    JavaClasses bosun =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.bosun");
    PureCode.rule(
            bosun,
            resideInAnyPackage("dev.bosun.compiler..", "dev.bosun.gpu.classify..")
                .or(
                    belongToAnyOf(
                        WorkloadObservation.class, Conditions.class, EnvironmentObjects.class))
                // Package-private decisions, by name: which child changes wake a Workload, what a
                // GPU pod's readiness gate says, what a Sandbox does, what the cluster quarantines,
                // what the node agent knows and writes, what `bosun nodes` shows of what it read,
                // the sandbox router's reading of requests, routes, tokens and Sandboxes, and what
                // the local cluster's volume provisioner and stand-in sandbox servers decide, and
                // what the push scaler reads of KEDA's metadata and the pods' metrics, and the
                // chart's
                // values schema made from the CRDs, and what a deployment agent's policy allows,
                // its GPU ledger and its audit record.
                .or(
                    nameMatching(
                        "dev\\.bosun\\.(operator\\.(ChildChanges|GpuGate|SandboxPlan|QuarantinePlan|QuarantinePolicy|QuarantineObjects|Quarantine)"
                            + "|agent\\.(Publication|NodeKnowledge|AgentView|FleetDiscovery)"
                            + "|cli\\.nodes\\.FleetTable|operator\\.fleet\\.(Fleet|FleetReport|FleetView)"
                            + "|mcp\\.(ArgumentCheck|ToolError)"
                            + "|router\\.(HeadParser|Heads|RequestHead|ResponseHead|Header|Rejection|Limits"
                            + "|Route|SandboxKey|Tokens|SandboxView|Forwarding|Responses)"
                            + "|localcluster\\.(LocalVolumes|StandInPlan|PodEndpoint|PodGpus)"
                            + "|scaler\\.(ScalerRequest|Exposition|Signal|WorkloadEndpoints|WorkloadKey|PodAddress"
                            + "|AgentEndpoints|PodKey|ReadyPod)"
                            + "|chart\\.ValuesSchema"
                            + "|mcp\\.guard\\.(AgentPolicyDecision|GpuLedger|GpuDemand|AuditRecord|RbacRefusal))(\\$.*)?"))
                // What a warm pool and a claim do; what an autoscaled Workload's status says.
                .or(
                    nameMatching(
                        "dev\\.bosun\\.operator\\.(WarmPoolPlan|ClaimPlan|SandboxFacts|ScalingStatus)(\\$.*)?"))
                .as(
                    "are the compiler, GPU classification, the status functions or the agent's"
                        + " decisions, or Bosun code they use"))
        .check(bosun);
  }

  @Test
  void ruleCatchesEachKindOfImpurity() {
    JavaClasses impure = new ClassFileImporter().importClasses(Impure.class);
    assertThatThrownBy(
            () -> PureCode.rule(impure, belongToAnyOf(Impure.class).as("are Impure")).check(impure))
        .hasMessageContaining("calls method <java.time.Instant.now()>")
        .hasMessageContaining("calls method <java.lang.System.getenv(java.lang.String)>")
        .hasMessageContaining("io.fabric8.kubernetes.client.KubernetesClient")
        .hasMessageContaining("calls method <java.nio.file.Files.readString(java.nio.file.Path)>")
        .hasMessageContaining("calls constructor <java.lang.Thread.<init>(java.lang.Runnable)>")
        .hasMessageContaining("calls method <java.util.concurrent.ExecutorService.shutdown()>")
        .hasMessageContaining("calls method <java.util.UUID.randomUUID()>");
  }
}
