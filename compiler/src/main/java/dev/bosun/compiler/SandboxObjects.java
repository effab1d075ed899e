package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.Durations;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.Patterns;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxMemory;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxTemplateSpec;
import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodResourceClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a Sandbox is made of, from its template and tier: a pure function, like {@link Compiler}.
 * The pod is isolated by construction (the sandbox RuntimeClass, a user namespace, restricted Pod
 * Security, no service-account token, a read-only root) and the network denies everything but
 * cluster DNS, the template's egress allow-list and the sandbox router. The access token is not
 * part of it: it is random, made once by the operator.
 */
public final class SandboxObjects {
  static final String WORK_VOLUME = "workspace";
  static final String MEMORY_VOLUME = "memory";

  /**
   * A sandbox's name is its pod's hostname and its Service's name: a DNS-1035 label, starting with
   * a letter.
   */
  private static final Pattern SANDBOX_NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");

  private static final Pattern QUANTITY = Pattern.compile(Patterns.QUANTITY);

  /** A sandbox answers its router within seconds of starting; probe often so a resume is quick. */
  private static final int READINESS_PERIOD_SECONDS = 1;

  private SandboxObjects() {}

  /**
   * A sandbox's objects.
   *
   * @param pod made while the sandbox runs; created, never re-applied (a pod's spec is immutable)
   * @param children applied on every reconcile and kept while suspended: the Service, the memory
   *     volume's claim, the NetworkPolicy and, for DRA GPU tiers, the ResourceClaimTemplate
   */
  public record Desired(Pod pod, List<HasMetadata> children) {
    public Desired {
      children = List.copyOf(children);
    }
  }

  /** The problems of a template on its own and with its tier, their paths the template's fields. */
  public static List<FieldError> checkTemplate(SandboxTemplate template, Tier tier) {
    List<FieldError> problems = new ArrayList<>();
    SandboxTemplateSpec spec = template.getSpec();
    if (spec == null) {
      problems.add(new FieldError("spec", "is required"));
      return problems;
    }
    if (spec.image() == null || spec.image().isEmpty()) {
      problems.add(new FieldError("spec.image", "is required"));
    } else {
      ImageReferences.problem(spec.image())
          .ifPresent(
              p -> problems.add(new FieldError("spec.image", "\"" + spec.image() + "\" " + p)));
    }
    Rules.checkEnv(spec.env(), problems);
    Rules.checkEgress(spec.egress(), problems);
    checkLifecycle("spec.lifecycle", spec.lifecycle(), problems);
    if (spec.memory() != null && spec.memory().size() != null) {
      checkQuantity("spec.memory.size", spec.memory().size(), problems);
    }
    Rules.checkTier(tier)
        .forEach(
            p ->
                problems.add(
                    new FieldError(
                        "spec.size",
                        "tier \"" + tier.getMetadata().getName() + "\" is invalid: " + p)));
    return problems;
  }

  /**
   * The problems of a Sandbox: its own fields by their paths, then its template's, each prefixed
   * with the template it is in.
   */
  public static List<FieldError> check(Sandbox sandbox, SandboxTemplate template, Tier tier) {
    List<FieldError> problems = new ArrayList<>();
    String name = sandbox.getMetadata().getName();
    if (name == null || name.length() > Names.LABEL || !SANDBOX_NAME.matcher(name).matches()) {
      problems.add(
          new FieldError(
              "metadata.name",
              "\""
                  + name
                  + "\" must be a DNS label (it is the pod's hostname and the Service's name):"
                  + " lower case letters, digits and '-', starting with a letter, at most 63"
                  + " characters"));
    }
    if (sandbox.getSpec() == null) {
      problems.add(new FieldError("spec", "is required"));
      return problems;
    }
    Rules.checkEnv(sandbox.getSpec().env(), problems);
    checkLifecycle("spec.lifecycle", sandbox.getSpec().lifecycle(), problems);
    String templateName = template.getMetadata().getName();
    checkTemplate(template, tier)
        .forEach(
            p ->
                problems.add(
                    new FieldError(
                        "spec.sandboxTemplateRef.name",
                        "SandboxTemplate \"" + templateName + "\": " + p)));
    return problems;
  }

  /** The template's lifecycle with each field the Sandbox sets instead. */
  public static SandboxLifecycle lifecycle(Sandbox sandbox, SandboxTemplate template) {
    SandboxLifecycle defaults =
        template.getSpec().lifecycle() == null
            ? SandboxLifecycle.NONE
            : template.getSpec().lifecycle();
    return defaults.overriddenBy(sandbox.getSpec().lifecycle());
  }

  /** The port the agent serves on. */
  public static int port(SandboxTemplate template) {
    Integer port = template.getSpec().port();
    return port == null ? Sandboxes.DEFAULT_PORT : port;
  }

  /**
   * A valid Sandbox's objects.
   *
   * @throws IllegalArgumentException when {@link #check} finds problems: callers check first
   */
  public static Desired of(Sandbox sandbox, SandboxTemplate template, Tier tier) {
    List<FieldError> problems = check(sandbox, template, tier);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          problems.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    }
    String name = sandbox.getMetadata().getName();
    String namespace = sandbox.getMetadata().getNamespace();
    SandboxTemplateSpec spec = template.getSpec();
    TierSpec tierSpec = tier.getSpec();
    List<HasMetadata> children = new ArrayList<>();
    children.add(service(metadata(name, namespace, name), name, port(template)));
    children.add(
        claim(
            metadata(Sandboxes.volumeClaimName(name), namespace, name),
            spec.memory() == null ? new SandboxMemory(null, null) : spec.memory()));
    children.add(networkPolicy(metadata(name, namespace, name), spec, name, port(template)));
    String claimTemplate = null;
    if (GpuClaims.usesDra(tierSpec.gpu())) {
      claimTemplate = Names.of(name, "gpu", Names.LABEL);
      children.add(
          GpuClaims.template(
              metadata(claimTemplate, namespace, name), labels(name), tierSpec.gpu()));
    }
    Pod pod = new Pod();
    pod.setApiVersion("v1");
    pod.setKind("Pod");
    pod.setMetadata(metadata(name, namespace, name));
    pod.setSpec(podSpec(sandbox, template, tierSpec, claimTemplate));
    return new Desired(pod, children);
  }

  /** The labels of every object of a sandbox; the Service and the policy select its pod by them. */
  public static Map<String, String> labels(String sandbox) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(Sandboxes.SANDBOX_LABEL, Names.labelValue(sandbox));
    labels.put(Labels.MANAGED_BY, Labels.MANAGER);
    return labels;
  }

  private static PodSpec podSpec(
      Sandbox sandbox, SandboxTemplate template, TierSpec tier, String claimTemplate) {
    String name = sandbox.getMetadata().getName();
    SandboxTemplateSpec spec = template.getSpec();
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    PodTemplates.addScratch(tier, volumes, mounts);
    volumes.add(new VolumeBuilder().withName(WORK_VOLUME).withNewEmptyDir().endEmptyDir().build());
    mounts.add(PodTemplates.mount(WORK_VOLUME, Sandboxes.WORK_PATH, false));
    volumes.add(
        new VolumeBuilder()
            .withName(MEMORY_VOLUME)
            .withNewPersistentVolumeClaim()
            .withClaimName(Sandboxes.volumeClaimName(name))
            .endPersistentVolumeClaim()
            .build());
    mounts.add(PodTemplates.mount(MEMORY_VOLUME, Sandboxes.MEMORY_PATH, false));

    Container container = new Container();
    container.setName(PodTemplates.CONTAINER);
    container.setImage(spec.image());
    container.setCommand(spec.command());
    container.setWorkingDir(Sandboxes.WORK_PATH);
    container.setEnv(PodTemplates.env(env(spec.env(), sandbox.getSpec().env())));
    container.setResources(PodTemplates.requirements(tier));
    container.setSecurityContext(PodTemplates.containerSecurity());
    container.setVolumeMounts(mounts);
    container.setPorts(
        List.of(
            new ContainerPortBuilder()
                .withName(PodTemplates.PORT_NAME)
                .withContainerPort(port(template))
                .withProtocol("TCP")
                .build()));
    // TCP, not HTTP: a template names no health path, and Ready must mean "accepts connections",
    // which is what the router needs before it sends a held request on.
    container.setReadinessProbe(
        new ProbeBuilder()
            .withNewTcpSocket()
            .withPort(new IntOrString(PodTemplates.PORT_NAME))
            .endTcpSocket()
            .withPeriodSeconds(READINESS_PERIOD_SECONDS)
            .withFailureThreshold(3)
            .withTimeoutSeconds(1)
            .build());

    PodSpec pod = new PodSpec();
    pod.setRuntimeClassName(
        spec.runtimeClassName() == null ? Sandboxes.RUNTIME_CLASS : spec.runtimeClassName());
    pod.setHostUsers(false);
    pod.setAutomountServiceAccountToken(false);
    pod.setEnableServiceLinks(false);
    pod.setHostname(name);
    pod.setSubdomain(name);
    pod.setRestartPolicy("Always");
    pod.setSecurityContext(PodTemplates.podSecurity());
    pod.setContainers(List.of(container));
    pod.setVolumes(volumes);
    PodTemplates.place(pod, tier.placement());
    if (claimTemplate != null) {
      pod.setResourceClaims(List.of(new PodResourceClaim(GpuClaims.CLAIM, null, claimTemplate)));
    }
    return pod;
  }

  /** The template's variables, each replaced by the Sandbox's of the same name, then the rest. */
  static List<EnvVar> env(List<EnvVar> template, List<EnvVar> sandbox) {
    Map<String, EnvVar> merged = new LinkedHashMap<>();
    if (template != null) {
      template.forEach(variable -> merged.put(variable.name(), variable));
    }
    if (sandbox != null) {
      sandbox.forEach(variable -> merged.put(variable.name(), variable));
    }
    return List.copyOf(merged.values());
  }

  /** Headless: the name resolves to the pod, and the pod's hostname under it stays the same. */
  private static Service service(ObjectMeta metadata, String name, int port) {
    Service service =
        new ServiceBuilder()
            .withNewSpec()
            .withClusterIP("None")
            .withSelector(Map.of(Sandboxes.SANDBOX_LABEL, Names.labelValue(name)))
            .addNewPort()
            .withName(PodTemplates.PORT_NAME)
            .withProtocol("TCP")
            .withPort(port)
            .withTargetPort(new IntOrString(PodTemplates.PORT_NAME))
            .endPort()
            .endSpec()
            .build();
    service.setMetadata(metadata);
    return service;
  }

  private static PersistentVolumeClaim claim(ObjectMeta metadata, SandboxMemory memory) {
    PersistentVolumeClaim claim =
        new PersistentVolumeClaimBuilder()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withStorageClassName(memory.storageClassName())
            .withNewResources()
            .addToRequests(
                "storage",
                new Quantity(memory.size() == null ? Sandboxes.DEFAULT_MEMORY_SIZE : memory.size()))
            .endResources()
            .endSpec()
            .build();
    claim.setMetadata(metadata);
    return claim;
  }

  /** Default deny both ways; out only to DNS and the allow-list, in only from the router. */
  private static NetworkPolicy networkPolicy(
      ObjectMeta metadata, SandboxTemplateSpec spec, String name, int port) {
    NetworkPolicyPeer router = new NetworkPolicyPeer();
    // The router runs in Bosun's namespace, whichever that is.
    router.setNamespaceSelector(new LabelSelector());
    router.setPodSelector(
        NetworkPolicies.selector(Map.of(Sandboxes.ROUTER_LABEL, Sandboxes.ROUTER_NAME)));
    List<NetworkPolicyEgressRule> egress = new ArrayList<>();
    egress.add(NetworkPolicies.dns());
    if (spec.egress() != null) {
      spec.egress().stream().map(NetworkPolicies::allowed).forEach(egress::add);
    }
    NetworkPolicySpec policy = new NetworkPolicySpec();
    policy.setPodSelector(
        NetworkPolicies.selector(Map.of(Sandboxes.SANDBOX_LABEL, Names.labelValue(name))));
    policy.setPolicyTypes(List.of("Ingress", "Egress"));
    policy.setIngress(
        List.of(
            new NetworkPolicyIngressRule(
                List.of(router), List.of(NetworkPolicies.port("TCP", port)))));
    policy.setEgress(egress);
    return new NetworkPolicy("networking.k8s.io/v1", "NetworkPolicy", metadata, policy);
  }

  private static void checkLifecycle(
      String path, SandboxLifecycle lifecycle, List<FieldError> problems) {
    if (lifecycle == null) {
      return;
    }
    checkDuration(path + ".ttl", lifecycle.ttl(), problems);
    checkDuration(path + ".idleTimeout", lifecycle.idleTimeout(), problems);
  }

  private static void checkDuration(String path, String value, List<FieldError> problems) {
    if (value == null) {
      return;
    }
    try {
      Durations.parse(value);
    } catch (IllegalArgumentException e) {
      problems.add(new FieldError(path, e.getMessage()));
    }
  }

  private static void checkQuantity(String path, String value, List<FieldError> problems) {
    if (!QUANTITY.matcher(value).matches()) {
      problems.add(
          new FieldError(
              path, "\"" + value + "\" " + Patterns.DESCRIPTIONS.get(Patterns.QUANTITY)));
    }
  }

  private static ObjectMeta metadata(String name, String namespace, String sandbox) {
    ObjectMeta metadata = new ObjectMeta();
    metadata.setName(name);
    metadata.setNamespace(namespace);
    metadata.setLabels(labels(sandbox));
    return metadata;
  }
}
