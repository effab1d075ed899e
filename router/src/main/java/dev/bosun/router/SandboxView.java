package dev.bosun.router;

import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxStatus;
import java.util.List;

/** What a request can do with a sandbox, from the Sandbox as the informer last saw it. */
public sealed interface SandboxView {
  /** Ready, with an address: dial it. */
  record Serving(String podIP, int port) implements SandboxView {}

  /** Its spec says Suspended: set it Running, then wait. */
  record Suspended() implements SandboxView {}

  /** Its spec says Running but it is not Ready yet (starting, resuming, replacing a pod): wait. */
  record Starting() implements SandboxView {}

  /** Its TTL ran out and it was retained: it will not serve again. */
  record Expired() implements SandboxView {}

  /** There is no such Sandbox. */
  record Missing() implements SandboxView {}

  static SandboxView of(Sandbox sandbox) {
    if (sandbox == null) return new Missing();
    SandboxStatus status = sandbox.getStatus();
    List<Condition> conditions =
        status == null || status.conditions() == null ? List.of() : status.conditions();
    if (isTrue(conditions, ConditionTypes.EXPIRED)) return new Expired();
    if (sandbox.getSpec() != null
        && sandbox.getSpec().effectiveOperatingMode() == OperatingMode.Suspended) {
      return new Suspended();
    }
    if (isTrue(conditions, ConditionTypes.READY)
        && status.podIP() != null
        && !status.podIP().isBlank()
        && status.port() != null) {
      return new Serving(status.podIP(), status.port());
    }
    return new Starting();
  }

  private static boolean isTrue(List<Condition> conditions, String type) {
    return conditions.stream().anyMatch(c -> type.equals(c.type()) && "True".equals(c.status()));
  }
}
