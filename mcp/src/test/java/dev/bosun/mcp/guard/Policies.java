package dev.bosun.mcp.guard;

import dev.bosun.api.v1alpha1.AgentSubjects;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicySpec;
import dev.bosun.api.v1alpha1.GpuBudget;
import dev.bosun.api.v1alpha1.ServiceAccountName;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** DeploymentAgentPolicies for the tests, built in code. */
final class Policies {
  static final String AGENT = "system:serviceaccount:ci:deployer";
  static final ServiceAccountName DEPLOYER = new ServiceAccountName("ci", "deployer");

  private Policies() {}

  static DeploymentAgentPolicy policy(String name, DeploymentAgentPolicySpec spec) {
    var policy = new DeploymentAgentPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withGeneration(1L).build());
    policy.setSpec(spec);
    return policy;
  }

  /** A policy for the deployer with only the fields given; the others absent. */
  static DeploymentAgentPolicySpec spec(
      List<String> environments, List<String> promoteTo, List<String> tiers, GpuBudget budget) {
    return new DeploymentAgentPolicySpec(
        new AgentSubjects(List.of(DEPLOYER), null), environments, promoteTo, tiers, budget, null);
  }

  static DeploymentAgentPolicy ciAgent(
      List<String> environments, List<String> promoteTo, List<String> tiers, GpuBudget budget) {
    return policy("ci-agent", spec(environments, promoteTo, tiers, budget));
  }
}
