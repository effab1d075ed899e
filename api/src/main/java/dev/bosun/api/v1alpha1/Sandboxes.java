package dev.bosun.api.v1alpha1;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How sandboxes look in the cluster, for the operator that makes them, the router that serves them
 * and the CLI: the names, labels and annotations of their objects, the platform's RuntimeClass, and
 * the words of their claims' status.
 */
public final class Sandboxes {
  /** The platform's RuntimeClass for sandboxes; deploy/ ships it with the gVisor handler. */
  public static final String RUNTIME_CLASS = "bosun-sandbox";

  /** gVisor's handler, the default of {@link #RUNTIME_CLASS}. */
  public static final String RUNTIME_HANDLER = "runsc";

  /** On every object of a sandbox (its pod, Service, volume claim, policy): the Sandbox's name. */
  public static final String SANDBOX_LABEL = "bosun.dev/sandbox";

  /** On a Sandbox waiting in a warm pool: the pool's name. Removed when a claim takes it. */
  public static final String WARM_POOL_LABEL = "bosun.dev/warm-pool";

  /** On a Sandbox a claim holds: the claim's name. */
  public static final String CLAIM_LABEL = "bosun.dev/sandbox-claim";

  /**
   * On a Sandbox's pod: the Sandbox's generation-independent identity, for the router's ingress.
   */
  public static final String ROUTER_LABEL = "app.kubernetes.io/name";

  /** The value of {@link #ROUTER_LABEL} on the router's pods. */
  public static final String ROUTER_NAME = "bosun-sandbox-router";

  /**
   * On a Sandbox, written by the router: the time of the last request it routed there (RFC 3339),
   * at most every few seconds. The operator suspends a sandbox idle longer than its idle timeout.
   */
  public static final String LAST_ACTIVITY = "bosun.dev/last-activity";

  /**
   * On a Sandbox, written by the claim reconciler when a claim takes it from a warm pool (RFC
   * 3339): its TTL counts from then, not from its creation in the pool.
   */
  public static final String CLAIMED_AT = "bosun.dev/claimed-at";

  /**
   * On a Sandbox, written by the operator: the SHA-256 (hex) of the sandbox's access token. The
   * token itself is in the Secret {@link #tokenSecretName}, readable by whoever may read Secrets in
   * the namespace; the router keeps only the hash.
   */
  public static final String TOKEN_SHA256 = "bosun.dev/access-token-sha256";

  /**
   * On a Sandbox, written by the operator in the same patch that suspends an idle sandbox: the
   * generation that patch gives the spec. While the spec keeps that generation the sandbox is
   * suspended because it idled; a resume and a later suspend by a person move the generation on.
   * (The status alone cannot carry it: the next reconcile may see the new spec before its own
   * status write.)
   */
  public static final String IDLE_SUSPENDED_GENERATION = "bosun.dev/idle-suspended-generation";

  /** The key of the token in its Secret. */
  public static final String TOKEN_KEY = "token";

  /** Where the agent's persistent memory is mounted. */
  public static final String MEMORY_PATH = "/memory";

  /** The writable work directory (the root filesystem is read-only). */
  public static final String WORK_PATH = "/workspace";

  /** The memory volume's size when the template does not say. */
  public static final String DEFAULT_MEMORY_SIZE = "1Gi";

  /** The agent's port when the template does not say. */
  public static final int DEFAULT_PORT = 8080;

  // SandboxClaim status.source.

  public static final String SOURCE_WARM_POOL = "WarmPool";
  public static final String SOURCE_COLD_START = "ColdStart";

  private Sandboxes() {}

  /** The Secret holding a sandbox's access token. */
  public static String tokenSecretName(String sandbox) {
    return sandbox + "-token";
  }

  /** The PersistentVolumeClaim of a sandbox's memory. */
  public static String volumeClaimName(String sandbox) {
    return sandbox + "-memory";
  }

  /** The stable DNS name of a sandbox: its headless Service, named after it. */
  public static String serviceFqdn(String sandbox, String namespace) {
    return sandbox + "." + namespace + ".svc.cluster.local";
  }

  /**
   * What {@link #TOKEN_SHA256} holds for a token: the lower-case hex SHA-256 of its UTF-8 bytes.
   */
  public static String tokenSha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
