package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * What the agents a policy names may do through the MCP server. Everything but {@code agents} is
 * optional and its description names the default: a policy that names only agents lets them deploy
 * CPU tiers to staging, promote nothing and hold no GPU. An Environment that is promoted into (its
 * {@code spec.promotesFrom} is set, as production's is) is never a direct deploy target, whatever
 * {@code environments} lists.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.environments) || self.environments.all(e, self.environments.exists_one(f, f == e))",
    message = "each environment may be listed once",
    fieldPath = ".environments",
    reason = "FieldValueDuplicate")
@ValidationRule(
    value = "!has(self.promoteTo) || self.promoteTo.all(e, self.promoteTo.exists_one(f, f == e))",
    message = "each environment may be listed once",
    fieldPath = ".promoteTo",
    reason = "FieldValueDuplicate")
@ValidationRule(
    value = "!has(self.tiers) || self.tiers.all(t, self.tiers.exists_one(u, u == t))",
    message = "each tier may be listed once",
    fieldPath = ".tiers",
    reason = "FieldValueDuplicate")
public record DeploymentAgentPolicySpec(
    @Required @JsonPropertyDescription("The agents (ServiceAccounts, users) the policy applies to.")
        AgentSubjects agents,
    @Size(max = 16)
        @JsonPropertyDescription(
            "Environments the agents may deploy to; staging when absent. An Environment with"
                + " spec.promotesFrom (production) is refused here whatever this lists: it is"
                + " reached by promotion only.")
        List<@Size(max = 63) @Pattern(Patterns.DNS_LABEL) String> environments,
    @Size(max = 16)
        @JsonPropertyDescription(
            "Environments the agents may promote into (from the Environment each promotes from);"
                + " none when absent.")
        List<@Size(max = 63) @Pattern(Patterns.DNS_LABEL) String> promoteTo,
    @Size(max = 32)
        @JsonPropertyDescription(
            "Tiers the agents may deploy; every tier when absent. GPU tiers also need a"
                + " gpuBudget, which is zero when absent.")
        List<@Size(max = 63) @Pattern(Patterns.DNS_LABEL) String> tiers,
    @JsonPropertyDescription(
            "The GPUs all agents of the policy may hold together; none when absent.")
        GpuBudget gpuBudget,
    @JsonPropertyDescription(
            "Check and report every write (deploy, promote, sandboxes), make none; false when"
                + " absent.")
        Boolean dryRun) {

  public DeploymentAgentPolicySpec {
    environments = environments == null ? null : List.copyOf(environments);
    promoteTo = promoteTo == null ? null : List.copyOf(promoteTo);
    tiers = tiers == null ? null : List.copyOf(tiers);
  }

  /** {@link #environments}, or staging when absent. */
  public List<String> environmentsOrDefault() {
    return environments == null ? List.of(DeploymentAgentPolicy.DEFAULT_ENVIRONMENT) : environments;
  }

  /** {@link #promoteTo}, or none when absent. */
  public List<String> promoteToOrDefault() {
    return promoteTo == null ? List.of() : promoteTo;
  }

  /** Whether the agents may deploy the tier: every tier when {@link #tiers} is absent. */
  public boolean allowsTier(String tier) {
    return tiers == null || tiers.contains(tier);
  }

  /** {@link #gpuBudget}, or no GPUs when absent. */
  public GpuBudget gpuBudgetOrDefault() {
    return gpuBudget == null ? GpuBudget.NONE : gpuBudget;
  }

  public boolean dryRunOrDefault() {
    return Boolean.TRUE.equals(dryRun);
  }
}
