package dev.bosun.operator.client;

import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Durations;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.OperatingMode;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxClaimSpec;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.operator.Conditions;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What {@code bosun sandbox} does against a cluster that runs the operator. A sandbox is asked for
 * through a SandboxClaim (warm from a pool when one fits), and named by its Sandbox afterwards; the
 * operator writes every status, the CLI only specs and annotations.
 */
public final class SandboxClient {
  private final KubernetesClient client;

  public SandboxClient(KubernetesClient client) {
    this.client = client;
  }

  /** What {@code create} asks for. */
  public record Request(
      String namespace,
      String name,
      String template,
      String pool,
      List<EnvVar> env,
      SandboxLifecycle lifecycle) {}

  /**
   * Creates the claim, after checking that its template (and pool) exist: a typo is said at once,
   * not after a timeout.
   */
  public SandboxClaim claim(Request request) {
    String namespace = namespaceOr(request.namespace());
    if (client
            .resources(SandboxTemplate.class)
            .inNamespace(namespace)
            .withName(request.template())
            .get()
        == null) {
      throw new UserError(
          "--template: SandboxTemplate \""
              + request.template()
              + "\" does not exist in namespace "
              + namespace
              + known(SandboxTemplate.class, namespace));
    }
    if (request.pool() != null
        && client
                .resources(SandboxWarmPool.class)
                .inNamespace(namespace)
                .withName(request.pool())
                .get()
            == null) {
      throw new UserError(
          "--pool: SandboxWarmPool \""
              + request.pool()
              + "\" does not exist in namespace "
              + namespace
              + known(SandboxWarmPool.class, namespace));
    }
    var claim = new SandboxClaim();
    var metadata = new ObjectMetaBuilder().withNamespace(namespace);
    if (request.name() != null) {
      metadata.withName(request.name());
    } else {
      metadata.withGenerateName(request.template() + "-");
    }
    claim.setMetadata(metadata.build());
    claim.setSpec(
        new SandboxClaimSpec(
            new ObjectName(request.template()),
            request.pool() == null ? null : new ObjectName(request.pool()),
            request.env().isEmpty() ? null : request.env(),
            request.lifecycle()));
    return client.resource(claim).create();
  }

  /** The claim once the operator gave it a sandbox that is Ready, or empty after the timeout. */
  public Optional<SandboxClaim> awaitReady(SandboxClaim claim, Duration timeout) {
    try {
      return Optional.of(
          client
              .resources(SandboxClaim.class)
              .inNamespace(claim.getMetadata().getNamespace())
              .withName(claim.getMetadata().getName())
              .waitUntilCondition(
                  c -> c != null && isReady(c), timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (KubernetesClientTimeoutException e) {
      return Optional.empty();
    }
  }

  /** The Sandbox once it is Ready again, or empty after the timeout. */
  public Optional<Sandbox> awaitReady(String namespace, String name, Duration timeout) {
    try {
      return Optional.of(
          sandboxes(namespace)
              .withName(name)
              .waitUntilCondition(
                  s -> s != null && isReady(s), timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (KubernetesClientTimeoutException e) {
      return Optional.empty();
    }
  }

  public List<Sandbox> list(String namespace, boolean allNamespaces) {
    var all =
        allNamespaces
            ? client.resources(Sandbox.class).inAnyNamespace().list()
            : sandboxes(namespace).list();
    return all.getItems().stream()
        .sorted(
            Comparator.comparing((Sandbox s) -> s.getMetadata().getNamespace())
                .thenComparing(s -> s.getMetadata().getName()))
        .toList();
  }

  /** The Sandbox, or a UserError naming what exists. */
  public Sandbox get(String namespace, String name) {
    Sandbox sandbox = sandboxes(namespace).withName(name).get();
    if (sandbox == null) {
      throw new UserError(
          "sandbox \""
              + name
              + "\" does not exist in namespace "
              + namespaceOr(namespace)
              + known(Sandbox.class, namespaceOr(namespace)));
    }
    return sandbox;
  }

  /** Sets the wanted mode; the operator deletes or makes the pod. */
  public Sandbox setMode(String namespace, String name, OperatingMode mode) {
    get(namespace, name);
    return sandboxes(namespace)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(Map.of("spec", Map.of("operatingMode", mode.name()))));
  }

  /**
   * Pushes the expiry back by {@code by}: a longer TTL, counted from the sandbox's start. The patch
   * carries the resourceVersion read, so an expiry moved meanwhile is not overwritten.
   */
  public Instant extend(String namespace, String name, Duration by, Instant now) {
    Sandbox sandbox = get(namespace, name);
    if (isExpired(sandbox)) {
      throw new UserError(
          "sandbox \"" + name + "\" has expired (retained); its TTL can no longer be extended");
    }
    Instant start = start(sandbox);
    Instant expiresAt =
        Optional.ofNullable(sandbox.getStatus())
            .map(s -> s.timings())
            .map(t -> t.expiresAt())
            .map(Instant::parse)
            .orElse(null);
    String ttl = SandboxTtl.format(SandboxTtl.extended(start, expiresAt, now, by));
    sandboxes(namespace)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            Serialization.asJson(
                Map.of(
                    "metadata",
                    Map.of("resourceVersion", sandbox.getMetadata().getResourceVersion()),
                    "spec",
                    Map.of("lifecycle", Map.of("ttl", ttl)))));
    return start.plus(Durations.parse(ttl));
  }

  /**
   * Deletes the sandbox, through its claim when a claim holds it (deleting only the Sandbox would
   * leave a claim that names nothing).
   *
   * @return what was deleted, as {@code kind/name}
   */
  public String delete(String namespace, String name) {
    Sandbox sandbox = get(namespace, name);
    String claim =
        Optional.ofNullable(sandbox.getMetadata().getLabels())
            .map(l -> l.get(Sandboxes.CLAIM_LABEL))
            .orElse(null);
    if (claim != null
        && client.resources(SandboxClaim.class).inNamespace(namespace).withName(claim).get()
            != null) {
      client.resources(SandboxClaim.class).inNamespace(namespace).withName(claim).delete();
      return "sandboxclaim/" + claim;
    }
    sandboxes(namespace).withName(name).delete();
    return "sandbox/" + name;
  }

  /** The sandbox's access token, from the Secret the operator keeps beside it. */
  public String token(String namespace, String name) {
    get(namespace, name);
    Secret secret =
        client
            .secrets()
            .inNamespace(namespaceOr(namespace))
            .withName(Sandboxes.tokenSecretName(name))
            .get();
    String encoded = secret == null ? null : secret.getData().get(Sandboxes.TOKEN_KEY);
    if (encoded == null) {
      throw new UserError(
          "sandbox \""
              + name
              + "\" has no access token yet (Secret "
              + Sandboxes.tokenSecretName(name)
              + "): is the operator running?");
    }
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  public String namespaceOr(String namespace) {
    if (namespace != null) {
      return namespace;
    }
    return Optional.ofNullable(client.getNamespace()).orElse("default");
  }

  /** When the TTL starts counting: the claim that took it from a pool, or its creation. */
  static Instant start(Sandbox sandbox) {
    return Optional.ofNullable(sandbox.getMetadata().getAnnotations())
        .map(a -> a.get(Sandboxes.CLAIMED_AT))
        .map(Instant::parse)
        .orElseGet(() -> Instant.parse(sandbox.getMetadata().getCreationTimestamp()));
  }

  static boolean isReady(Sandbox sandbox) {
    return sandbox.getStatus() != null
        && Conditions.isTrue(sandbox.getStatus().conditions(), ConditionTypes.READY);
  }

  static boolean isReady(SandboxClaim claim) {
    return claim.getStatus() != null
        && claim.getStatus().sandbox() != null
        && Conditions.isTrue(claim.getStatus().conditions(), ConditionTypes.READY);
  }

  static boolean isExpired(Sandbox sandbox) {
    return sandbox.getStatus() != null
        && Conditions.isTrue(sandbox.getStatus().conditions(), ConditionTypes.EXPIRED);
  }

  private NonNamespaceOperation<Sandbox, KubernetesResourceList<Sandbox>, Resource<Sandbox>>
      sandboxes(String namespace) {
    return client.resources(Sandbox.class).inNamespace(namespaceOr(namespace));
  }

  private String known(Class<? extends CustomResource<?, ?>> kind, String namespace) {
    String names =
        client.resources(kind).inNamespace(namespace).list().getItems().stream()
            .map(o -> o.getMetadata().getName())
            .sorted()
            .limit(20)
            .collect(Collectors.joining(", "));
    return names.isEmpty() ? " (there are none)" : " (there are: " + names + ")";
  }
}
