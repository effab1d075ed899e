package dev.bosun.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * What a deployment agent (a coding agent acting through Bosun's MCP server) may do: which
 * Environments it deploys to and promotes into, which tiers, how many GPUs and GPU-hours a day.
 *
 * <p>Cluster-scoped, as Tier and Environment are: it grants access across namespaces (the
 * Environments' namespaces), so only whoever may write cluster-scoped objects (the platform team)
 * may write one. A namespaced policy would let anyone with edit rights in one namespace, the agent
 * included, write itself a policy there.
 */
@Group(Workload.GROUP)
@Version(Workload.VERSION)
@ShortNames("dap")
@AdditionalPrinterColumn(name = "Environments", jsonPath = ".spec.environments")
@AdditionalPrinterColumn(name = "PromoteTo", jsonPath = ".spec.promoteTo")
@AdditionalPrinterColumn(
    name = "GPUs",
    jsonPath = ".status.usage.concurrentGpus",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "GpuSecondsToday",
    jsonPath = ".status.usage.gpuSeconds",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "DryRun",
    jsonPath = ".spec.dryRun",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
public class DeploymentAgentPolicy
    extends CustomResource<DeploymentAgentPolicySpec, DeploymentAgentPolicyStatus> {

  /**
   * On a Workload an agent deployed: the name of the DeploymentAgentPolicy it was deployed under.
   * The policy's GPU budget counts every Workload that carries its name.
   */
  public static final String POLICY_LABEL = "bosun.dev/agent-policy";

  /** On a Workload an agent deployed: the agent's Kubernetes user name, for people and audits. */
  public static final String AGENT_ANNOTATION = "bosun.dev/deployed-by-agent";

  /** The Environment an agent may deploy to when {@code spec.environments} is absent. */
  public static final String DEFAULT_ENVIRONMENT = "staging";
}
