package dev.bosun.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * The Kubernetes identities a DeploymentAgentPolicy applies to: the users an MCP session acts as
 * (and the server impersonates).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.serviceAccounts) ? size(self.serviceAccounts) : 0)"
            + " + (has(self.users) ? size(self.users) : 0) > 0",
    message = "name at least one agent in serviceAccounts or users",
    reason = "FieldValueRequired")
public record AgentSubjects(
    @Size(max = 64)
        @JsonPropertyDescription("ServiceAccounts (namespace and name) the policy applies to.")
        List<ServiceAccountName> serviceAccounts,
    @Size(max = 64)
        @JsonPropertyDescription(
            "Users the policy applies to, as the API server names them (such as"
                + " ci-agent@example.com).")
        List<@Size(min = 1, max = 253) String> users) {

  public AgentSubjects {
    serviceAccounts = serviceAccounts == null ? List.of() : List.copyOf(serviceAccounts);
    users = users == null ? List.of() : List.copyOf(users);
  }

  /** Whether {@code user} (an API server user name) is one of these agents. */
  public boolean names(String user) {
    return users.contains(user)
        || serviceAccounts.stream().anyMatch(account -> account.userName().equals(user));
  }
}
