package dev.bosun.router;

import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxStatus;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Plays the operator's part in the router's integration tests (the operator's Sandbox reconciler is
 * written elsewhere): it writes a Sandbox's status through the status subresource, as the
 * reconciler would once the pod is Ready, or while it is suspended.
 */
final class OperatorStandIn {
  private final KubernetesClient client;

  OperatorStandIn(KubernetesClient client) {
    this.client = client;
  }

  void writeStatus(SandboxKey key, SandboxStatus status) {
    client
        .resources(Sandbox.class)
        .inNamespace(key.namespace())
        .withName(key.name())
        .editStatus(
            sandbox -> {
              sandbox.setStatus(status);
              return sandbox;
            });
  }

  void ready(SandboxKey key, String podIP, int port) {
    writeStatus(key, TestSandboxes.status(true, podIP, port, false));
  }

  void suspended(SandboxKey key) {
    writeStatus(key, TestSandboxes.status(false, null, null, false));
  }
}
