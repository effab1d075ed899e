package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.Checkpoints;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.ModelCache;
import dev.bosun.api.v1alpha1.Placement;
import dev.bosun.api.v1alpha1.TierGpu;
import dev.bosun.api.v1alpha1.TierResources;
import dev.bosun.api.v1alpha1.TierSpec;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodResourceClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceClaim;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pod template of every Workload: restricted Pod Security by construction, requests equal to
 * limits, GPUs from the tier, and probes suited to the type.
 */
final class PodTemplates {
  static final String CONTAINER = "main";
  static final String PORT_NAME = "http";

  /** A fixed non-root identity, so images built to run as root still pass runAsNonRoot. */
  static final long NON_ROOT_UID = 65532L;

  /** Model servers load weights for minutes before their first health check can pass. */
  private static final int INFERENCE_STARTUP_SECONDS = 30 * 60;

  private static final int SERVICE_STARTUP_SECONDS = 5 * 60;
  private static final int STARTUP_PERIOD_SECONDS = 10;

  /** Restricted Pod Security for every pod. */
  static PodSecurityContext podSecurity() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(NON_ROOT_UID)
        .withRunAsGroup(NON_ROOT_UID)
        .withFsGroup(NON_ROOT_UID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  /**
   * Restricted Pod Security for every container: fresh each time, as callers may change what they
   * get.
   */
  static SecurityContext containerSecurity() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  private PodTemplates() {}

  static PodTemplateSpec build(Target target) {
    WorkloadSpec spec = target.workload().getSpec();
    TierGpu gpu = target.tier().getSpec().gpu();
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    addScratch(target.tier().getSpec(), volumes, mounts);
    addModelCache(spec.modelCache(), volumes, mounts);
    addCheckpoints(spec.checkpoints(), volumes, mounts);

    PodSpec pod = new PodSpec();
    pod.setServiceAccountName(target.serviceAccountName());
    pod.setAutomountServiceAccountToken(false);
    pod.setEnableServiceLinks(false);
    pod.setSecurityContext(podSecurity());
    pod.setRuntimeClassName(target.tier().getSpec().runtimeClassName());
    pod.setContainers(List.of(container(target, mounts)));
    pod.setVolumes(volumes);
    place(pod, target.tier().getSpec().placement());
    if (gpu != null) {
      // Pods on a GPU that the node agent finds faulty lose readiness before anything restarts.
      pod.setReadinessGates(List.of(new PodReadinessGate(ConditionTypes.GPU_HEALTHY_GATE)));
      if (GpuClaims.usesDra(gpu)) {
        pod.setResourceClaims(
            List.of(new PodResourceClaim(GpuClaims.CLAIM, null, target.claimTemplateName())));
      }
    }
    if (spec.type().isServing()) {
      pod.setTerminationGracePeriodSeconds(spec.type() == WorkloadType.Inference ? 60L : 30L);
      if (target.replicas() > 1) {
        pod.setTopologySpreadConstraints(
            List.of(
                new TopologySpreadConstraintBuilder()
                    .withMaxSkew(1)
                    .withTopologyKey("kubernetes.io/hostname")
                    .withWhenUnsatisfiable("ScheduleAnyway")
                    .withNewLabelSelector()
                    .withMatchLabels(target.selector())
                    .endLabelSelector()
                    .build()));
      }
    } else {
      pod.setRestartPolicy("Never");
      pod.setSubdomain(target.headlessService());
    }
    ObjectMeta metadata = new ObjectMeta();
    metadata.setLabels(target.labels());
    metadata.setAnnotations(target.annotations());
    return new PodTemplateSpec(metadata, pod);
  }

  /** A scratch /tmp, and for GPU tiers a /dev/shm large enough for tensors. */
  static void addScratch(TierSpec tier, List<Volume> volumes, List<VolumeMount> mounts) {
    // The root filesystem is read-only; programs still need a scratch /tmp.
    volumes.add(emptyDir("tmp", null, null));
    mounts.add(mount("tmp", "/tmp", false));
    if (tier.gpu() != null) {
      // PyTorch and NCCL move tensors between processes through /dev/shm; the runtime's 64 MiB is
      // too small.
      volumes.add(emptyDir("dshm", "Memory", half(tier.resources().memory())));
      mounts.add(mount("dshm", "/dev/shm", false));
    }
  }

  /** The tier's node selector, tolerations and priority class, when it has any. */
  static void place(PodSpec pod, Placement placement) {
    if (placement != null) {
      pod.setNodeSelector(
          placement.nodeSelector() == null ? null : new TreeMap<>(placement.nodeSelector()));
      pod.setTolerations(placement.tolerations());
      pod.setPriorityClassName(placement.priorityClassName());
    }
  }

  private static Container container(Target target, List<VolumeMount> mounts) {
    WorkloadSpec spec = target.workload().getSpec();
    Map<String, Quantity> resources = resources(target.tier().getSpec());
    Container container = new Container();
    container.setName(CONTAINER);
    container.setImage(spec.image());
    container.setCommand(spec.command());
    container.setArgs(spec.args());
    container.setEnv(env(spec.env()));
    container.setResources(requirements(target.tier().getSpec()));
    container.setSecurityContext(containerSecurity());
    container.setVolumeMounts(mounts);
    if (spec.type().isServing()) {
      container.setPorts(
          List.of(
              new ContainerPortBuilder()
                  .withName(PORT_NAME)
                  .withContainerPort(spec.port())
                  .withProtocol("TCP")
                  .build()));
      int startupSeconds =
          spec.type() == WorkloadType.Inference
              ? INFERENCE_STARTUP_SECONDS
              : SERVICE_STARTUP_SECONDS;
      container.setStartupProbe(
          probe(spec, STARTUP_PERIOD_SECONDS, startupSeconds / STARTUP_PERIOD_SECONDS));
      container.setReadinessProbe(probe(spec, 5, 3));
      container.setLivenessProbe(probe(spec, 10, 6));
    }
    return container;
  }

  /** The tier's resources, requests equal to limits, and its GPU claim when it uses DRA. */
  static ResourceRequirements requirements(TierSpec tierSpec) {
    Map<String, Quantity> resources = resources(tierSpec);
    ResourceRequirements requirements = new ResourceRequirements();
    requirements.setRequests(resources);
    requirements.setLimits(resources);
    if (GpuClaims.usesDra(tierSpec.gpu())) {
      requirements.setClaims(List.of(new ResourceClaim(GpuClaims.CLAIM, null)));
    }
    return requirements;
  }

  /**
   * Requests equal limits for every resource: Guaranteed QoS, which GPU nodes' CPU pinning needs.
   */
  private static Map<String, Quantity> resources(TierSpec tierSpec) {
    TierResources tier = tierSpec.resources();
    Map<String, Quantity> resources = new LinkedHashMap<>();
    resources.put("cpu", new Quantity(tier.cpu()));
    resources.put("memory", new Quantity(tier.memory()));
    if (tier.ephemeralStorage() != null) {
      resources.put("ephemeral-storage", new Quantity(tier.ephemeralStorage()));
    }
    TierGpu gpu = tierSpec.gpu();
    if (gpu != null && !GpuClaims.usesDra(gpu)) {
      resources.put(GpuClaims.devicePluginResource(gpu), new Quantity(gpu.count().toString()));
    }
    return resources;
  }

  private static Probe probe(WorkloadSpec spec, int periodSeconds, int failureThreshold) {
    var probe =
        new ProbeBuilder()
            .withPeriodSeconds(periodSeconds)
            .withFailureThreshold(failureThreshold)
            .withTimeoutSeconds(5);
    IntOrString port = new IntOrString(PORT_NAME);
    if (spec.health() != null) {
      probe.withNewHttpGet().withPath(spec.health().path()).withPort(port).endHttpGet();
    } else {
      probe.withNewTcpSocket().withPort(port).endTcpSocket();
    }
    return probe.build();
  }

  static List<io.fabric8.kubernetes.api.model.EnvVar> env(List<EnvVar> env) {
    if (env == null) {
      return List.of();
    }
    return env.stream()
        .map(
            variable -> {
              var built = new EnvVarBuilder().withName(variable.name());
              if (variable.secret() != null) {
                built
                    .withNewValueFrom()
                    .withNewSecretKeyRef()
                    .withName(variable.secret().name())
                    .withKey(variable.secret().key())
                    .endSecretKeyRef()
                    .endValueFrom();
              } else {
                built.withValue(variable.value());
              }
              return built.build();
            })
        .toList();
  }

  private static void addModelCache(
      ModelCache cache, List<Volume> volumes, List<VolumeMount> mounts) {
    if (cache == null) {
      return;
    }
    String path = cache.mountPath() == null ? "/models" : cache.mountPath();
    if (cache.claimName() != null) {
      volumes.add(
          new VolumeBuilder()
              .withName("model-cache")
              .withNewPersistentVolumeClaim()
              .withClaimName(cache.claimName())
              .withReadOnly(true)
              .endPersistentVolumeClaim()
              .build());
      mounts.add(mount("model-cache", path, true));
      return;
    }
    volumes.add(
        new VolumeBuilder()
            .withName("model-cache")
            .withNewEphemeral()
            .withNewVolumeClaimTemplate()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withStorageClassName(cache.storageClassName())
            .withNewResources()
            .addToRequests("storage", new Quantity(cache.size()))
            .endResources()
            .endSpec()
            .endVolumeClaimTemplate()
            .endEphemeral()
            .build());
    mounts.add(mount("model-cache", path, false));
  }

  private static void addCheckpoints(
      Checkpoints checkpoints, List<Volume> volumes, List<VolumeMount> mounts) {
    if (checkpoints == null) {
      return;
    }
    volumes.add(
        new VolumeBuilder()
            .withName("checkpoints")
            .withNewPersistentVolumeClaim()
            .withClaimName(checkpoints.claimName())
            .endPersistentVolumeClaim()
            .build());
    mounts.add(
        mount(
            "checkpoints",
            checkpoints.mountPath() == null ? "/checkpoints" : checkpoints.mountPath(),
            false));
  }

  static VolumeMount mount(String name, String path, boolean readOnly) {
    VolumeMount mount = new VolumeMount();
    mount.setName(name);
    mount.setMountPath(path);
    mount.setReadOnly(readOnly ? true : null);
    return mount;
  }

  private static Volume emptyDir(String name, String medium, Quantity sizeLimit) {
    Volume volume = new Volume();
    volume.setName(name);
    volume.setEmptyDir(new EmptyDirVolumeSource(medium, sizeLimit));
    return volume;
  }

  /** Half of a memory quantity, in MiB: the size of the shared-memory volume. */
  private static Quantity half(String memory) {
    BigDecimal bytes = Quantity.getAmountInBytes(new Quantity(memory));
    BigDecimal mebibytes = bytes.divide(BigDecimal.valueOf(2L * 1024 * 1024), 0, RoundingMode.DOWN);
    return new Quantity(mebibytes.toPlainString() + "Mi");
  }
}
