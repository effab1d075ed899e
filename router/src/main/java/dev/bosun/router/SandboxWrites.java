package dev.bosun.router;

import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * The router's two writes to Sandboxes, both merge patches of one field without a resourceVersion,
 * so that another writer (the CLI's resume, a second router replica, the operator) is never a
 * conflict: {@code spec.operatingMode: Running}, and the annotation {@code
 * bosun.dev/last-activity}. RBAC: {@code patch} on {@code sandboxes}.
 */
final class SandboxWrites {
  static final DateTimeFormatter RFC_3339_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  static final String RUNNING_PATCH =
      "{\"spec\":{\"operatingMode\":\"" + OperatingMode.Running + "\"}}";

  private final KubernetesClient client;
  private final Consumer<String> log;

  SandboxWrites(KubernetesClient client, Consumer<String> log) {
    this.client = client;
    this.log = log;
  }

  /** Sets the sandbox Running; returns the generation that made. */
  long setRunning(SandboxKey key) {
    Sandbox patched = patch(key, RUNNING_PATCH);
    Long generation = patched.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  void recordActivity(SandboxKey key, Instant at) {
    try {
      patch(key, activityPatch(at));
    } catch (KubernetesClientException e) {
      // A deleted sandbox has no activity to keep; anything else is retried by the next request.
      if (e.getCode() != 404)
        log.accept("cannot record activity on " + key + ": " + e.getMessage());
    }
  }

  static String activityPatch(Instant at) {
    return "{\"metadata\":{\"annotations\":{\""
        + Sandboxes.LAST_ACTIVITY
        + "\":\""
        + RFC_3339_MILLIS.format(at)
        + "\"}}}";
  }

  private Sandbox patch(SandboxKey key, String patch) {
    return client
        .resources(Sandbox.class)
        .inNamespace(key.namespace())
        .withName(key.name())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }
}
