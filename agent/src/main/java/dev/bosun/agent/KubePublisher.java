package dev.bosun.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.GpuNodeHealthStatus;
import dev.bosun.api.v1alpha1.Workload;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's writes, and nothing else: the edge between {@link Publication}'s decisions and the
 * API server: one read at start ({@link #lastStatus}, what the previous run published) and three
 * writes, each the narrowest the API offers:
 *
 * <ul>
 *   <li>{@link #ensure()}: read the Node (its uid), then server-side apply the GpuNodeHealth's
 *       metadata and spec, owned by the Node so that deleting the Node deletes it.
 *   <li>{@link #writeStatus}: server-side apply on the status subresource. Every field of the
 *       status belongs to the agent's field manager; lists are replaced whole.
 *   <li>{@link #writeCondition}: a strategic-merge patch of the Node's status that names one
 *       condition. Node conditions merge by type, so the kubelet's (or KWOK's) conditions are left
 *       alone, and the agent never needs to read-modify-write a Node.
 * </ul>
 */
public final class KubePublisher {

  public static final String FIELD_MANAGER = "bosun-agent";
  static final String APPLY = "application/apply-patch+yaml"; // JSON is YAML
  static final String STRATEGIC_MERGE = "application/strategic-merge-patch+json";
  private static final String API_VERSION = Workload.GROUP + "/" + Workload.VERSION;
  private static final ObjectMapper JSON = new ObjectMapper();
  // A newer agent may have published fields this one does not know.
  private static final ObjectMapper STATUS =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final KubeApi api;
  private final String nodeName;
  private final String node;
  private final String health;

  KubePublisher(KubeApi api, String nodeName) {
    this.api = api;
    this.nodeName = nodeName;
    String name = URLEncoder.encode(nodeName, StandardCharsets.UTF_8);
    this.node = "/api/v1/nodes/" + name;
    this.health = "/apis/" + API_VERSION + "/gpunodehealths/" + name;
  }

  String masterUrl() {
    return api.masterUrl();
  }

  /**
   * Creates or adopts the GpuNodeHealth; returns its generation. Fails with a message a human can
   * act on.
   */
  public long ensure() {
    KubeApi.Response got = api.get(node);
    if (got.code() == 404)
      throw new PublishException(
          "there is no Node named " + nodeName + " (set --node or NODE_NAME)", null);
    if (!got.ok()) throw failure("cannot read Node " + nodeName, got);
    String uid = read(got).path("metadata").path("uid").asText(null);
    Map<String, Object> owner = new LinkedHashMap<>();
    owner.put("apiVersion", "v1");
    owner.put("kind", "Node");
    owner.put("name", nodeName);
    owner.put("uid", uid);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", nodeName);
    metadata.put("labels", Map.of("app.kubernetes.io/managed-by", FIELD_MANAGER));
    metadata.put("ownerReferences", List.of(owner));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("apiVersion", API_VERSION);
    body.put("kind", "GpuNodeHealth");
    body.put("metadata", metadata);
    body.put("spec", Map.of("nodeName", nodeName));
    KubeApi.Response applied =
        api.patch(health + "?fieldManager=" + FIELD_MANAGER + "&force=true", APPLY, json(body));
    if (applied.code() == 404) {
      throw new PublishException(
          "the GpuNodeHealth CRD is not installed: kubectl apply --server-side -f deploy/crds/gpunodehealths.bosun.dev-v1.yml",
          null);
    }
    if (!applied.ok()) throw failure("cannot apply GpuNodeHealth " + nodeName, applied);
    return read(applied).path("metadata").path("generation").asLong(1);
  }

  /**
   * The status this node's GpuNodeHealth holds now, what an earlier run of the agent published;
   * empty when there is none yet (a first start).
   */
  public Optional<GpuNodeHealthStatus> lastStatus() {
    KubeApi.Response got = api.get(health);
    if (got.code() == 404) return Optional.empty();
    if (!got.ok()) throw failure("cannot read GpuNodeHealth " + nodeName, got);
    JsonNode status = read(got).path("status");
    if (!status.isObject()) return Optional.empty();
    try {
      return Optional.of(STATUS.treeToValue(status, GpuNodeHealthStatus.class));
    } catch (JsonProcessingException e) {
      throw new PublishException(
          "the status of GpuNodeHealth " + nodeName + " cannot be read: " + e.getOriginalMessage(),
          null);
    }
  }

  public void writeStatus(GpuNodeHealthStatus status) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("apiVersion", API_VERSION);
    body.put("kind", "GpuNodeHealth");
    body.put("metadata", Map.of("name", nodeName));
    body.put("status", status);
    KubeApi.Response r =
        api.patch(
            health + "/status?fieldManager=" + FIELD_MANAGER + "&force=true", APPLY, json(body));
    if (!r.ok()) throw failure("cannot write the status of GpuNodeHealth " + nodeName, r);
  }

  /** Sets the Node condition; {@code heartbeat} becomes its lastHeartbeatTime. */
  public void writeCondition(Condition c, Instant heartbeat) {
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("type", c.type());
    condition.put("status", c.status());
    condition.put("reason", c.reason());
    condition.put("message", c.message());
    condition.put("lastHeartbeatTime", Publication.time(heartbeat));
    condition.put("lastTransitionTime", c.lastTransitionTime());
    KubeApi.Response r =
        api.patch(
            node + "/status",
            STRATEGIC_MERGE,
            json(Map.of("status", Map.of("conditions", List.of(condition)))));
    if (!r.ok()) throw failure("cannot set condition " + c.type() + " on Node " + nodeName, r);
  }

  private static String json(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + body.getClass().getSimpleName(), e);
    }
  }

  private static JsonNode read(KubeApi.Response r) {
    try {
      return JSON.readTree(r.body());
    } catch (JsonProcessingException e) {
      throw new PublishException("the API server answered with something that is not JSON", e);
    }
  }

  /** The API server's own message (a Status object), with the code. */
  private static PublishException failure(String what, KubeApi.Response r) {
    String message;
    try {
      message = JSON.readTree(r.body()).path("message").asText("");
    } catch (JsonProcessingException | RuntimeException e) {
      message = "";
    }
    if (message.isEmpty()) message = r.body() == null ? "" : r.body().strip();
    if (message.length() > 300) message = message.substring(0, 300) + "…";
    return new PublishException(what + ": " + r.code() + " " + message, null);
  }

  /** A write that failed, with a message for the log; the agent retries on the next sample. */
  public static final class PublishException extends RuntimeException {
    PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
