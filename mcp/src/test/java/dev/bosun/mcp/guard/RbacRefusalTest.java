package dev.bosun.mcp.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A 403 as the agent becomes a refusal that names RBAC and the Role to grant. */
class RbacRefusalTest {
  private static final AgentIdentity AGENT =
      new AgentIdentity("system:serviceaccount:ci:deployer", List.of());

  @Test
  void aForbiddenPatchNamesTheVerbTheResourceAndTheNamespace() {
    String said =
        "workloads.bosun.dev \"chat\" is forbidden: User \"system:serviceaccount:ci:deployer\""
            + " cannot patch resource \"workloads\" in API group \"bosun.dev\" in the namespace"
            + " \"staging\"";
    var refused = RbacRefusal.of(AGENT, 403, said).orElseThrow();
    assertThat(refused.rule()).isEqualTo("RBAC");
    assertThat(refused.reason()).contains("RBAC has the final word").contains(said);
    assertThat(refused.howToAllow())
        .startsWith(
            "grant system:serviceaccount:ci:deployer 'patch' on workloads.bosun.dev in namespace"
                + " staging with a Role and RoleBinding");
  }

  @Test
  void otherFailuresAreNotRbacs() {
    assertThat(RbacRefusal.of(AGENT, 422, "invalid")).isEmpty();
  }
}
