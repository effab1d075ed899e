package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.Checkpoints;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.ModelCache;
import dev.bosun.api.v1alpha1.Placement;
import dev.bosun.api.v1alpha1.TierGpu;
import dev.bosun.api.v1alpha1.TierResources;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  private PodTemplates() {}

  static PodTemplateSpec build(Target target) {
    WorkloadSpec spec = target.workload().getSpec();
    TierGpu gpu = target.tier().getSpec().gpu();
    List<Volume> volumes = new ArrayList<>();
    List<VolumeMount> mounts = new ArrayList<>();
    // The root filesystem is read-only; programs still need a scratch /tmp.
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    mounts.add(mount("tmp", "/tmp", false));
    if (gpu != null) {
      // PyTorch and NCCL move tensors between processes through /dev/shm; the runtime's 64 MiB is too small.
      volumes.add(new VolumeBuilder().withName("dshm")
          .withNewEmptyDir().withMedium("Memory").withSizeLimit(half(target.tier().getSpec().resources().memory())).endEmptyDir()
          .build());
      mounts.add(mount("dshm", "/dev/shm", false));
    }
    addModelCache(spec.modelCache(), volumes, mounts);
    addCheckpoints(spec.checkpoints(), volumes, mounts);

    var pod = new PodSpecBuilder()
        .withServiceAccountName(target.serviceAccountName())
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(NON_ROOT_UID)
        .withRunAsGroup(NON_ROOT_UID)
        .withFsGroup(NON_ROOT_UID)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .withRuntimeClassName(target.tier().getSpec().runtimeClassName())
        .withContainers(container(target, mounts))
        .withVolumes(volumes);
    Placement placement = target.tier().getSpec().placement();
    if (placement != null) {
      pod.withNodeSelector(placement.nodeSelector() == null ? null : new java.util.TreeMap<>(placement.nodeSelector()))
          .withTolerations(placement.tolerations())
          .withPriorityClassName(placement.priorityClassName());
    }
    if (gpu != null) {
      // Pods on a GPU that the node agent finds faulty lose readiness before anything restarts.
      pod.addNewReadinessGate().withConditionType(Compiler.GPU_HEALTHY_GATE).endReadinessGate();
      if (GpuClaims.usesDra(gpu)) {
        pod.addNewResourceClaim().withName(GpuClaims.CLAIM).withResourceClaimTemplateName(target.claimTemplateName()).endResourceClaim();
      }
    }
    if (spec.type().isServing()) {
      pod.withTerminationGracePeriodSeconds(spec.type() == WorkloadType.Inference ? 60L : 30L);
      if (target.replicas() > 1) {
        pod.addNewTopologySpreadConstraint()
            .withMaxSkew(1).withTopologyKey("kubernetes.io/hostname").withWhenUnsatisfiable("ScheduleAnyway")
            .withNewLabelSelector().withMatchLabels(target.selector()).endLabelSelector()
            .endTopologySpreadConstraint();
      }
    } else {
      pod.withRestartPolicy("Never");
      if (target.headlessService() != null) {
        pod.withSubdomain(target.headlessService());
      }
    }
    return new PodTemplateSpecBuilder()
        .withNewMetadata().withLabels(target.labels()).withAnnotations(target.annotations()).endMetadata()
        .withSpec(pod.build())
        .build();
  }

  private static Container container(Target target, List<VolumeMount> mounts) {
    WorkloadSpec spec = target.workload().getSpec();
    Map<String, Quantity> resources = resources(target);
    var container = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(spec.image())
        .withCommand(spec.command())
        .withArgs(spec.args())
        .withEnv(env(spec.env()))
        .withNewResources().withRequests(resources).withLimits(resources).endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .withVolumeMounts(mounts);
    TierGpu gpu = target.tier().getSpec().gpu();
    if (GpuClaims.usesDra(gpu)) {
      container.editResources().addNewClaim().withName(GpuClaims.CLAIM).endClaim().endResources();
    }
    if (spec.type().isServing()) {
      container.addNewPort().withName(PORT_NAME).withContainerPort(spec.port()).withProtocol("TCP").endPort();
      int startupSeconds = spec.type() == WorkloadType.Inference ? INFERENCE_STARTUP_SECONDS : SERVICE_STARTUP_SECONDS;
      container.withStartupProbe(probe(spec, STARTUP_PERIOD_SECONDS, startupSeconds / STARTUP_PERIOD_SECONDS))
          .withReadinessProbe(probe(spec, 5, 3))
          .withLivenessProbe(probe(spec, 10, 6));
    }
    return container.build();
  }

  /** Requests equal limits for every resource: Guaranteed QoS, which GPU nodes' CPU pinning needs. */
  private static Map<String, Quantity> resources(Target target) {
    TierResources tier = target.tier().getSpec().resources();
    Map<String, Quantity> resources = new LinkedHashMap<>();
    resources.put("cpu", new Quantity(tier.cpu()));
    resources.put("memory", new Quantity(tier.memory()));
    if (tier.ephemeralStorage() != null) {
      resources.put("ephemeral-storage", new Quantity(tier.ephemeralStorage()));
    }
    TierGpu gpu = target.tier().getSpec().gpu();
    if (gpu != null && !GpuClaims.usesDra(gpu)) {
      resources.put(GpuClaims.devicePluginResource(gpu), new Quantity(gpu.count().toString()));
    }
    return resources;
  }

  private static Probe probe(WorkloadSpec spec, int periodSeconds, int failureThreshold) {
    var probe = new ProbeBuilder().withPeriodSeconds(periodSeconds).withFailureThreshold(failureThreshold).withTimeoutSeconds(5);
    IntOrString port = new IntOrString(PORT_NAME);
    if (spec.health() != null) {
      probe.withNewHttpGet().withPath(spec.health().path()).withPort(port).endHttpGet();
    } else {
      probe.withNewTcpSocket().withPort(port).endTcpSocket();
    }
    return probe.build();
  }

  private static List<io.fabric8.kubernetes.api.model.EnvVar> env(List<EnvVar> env) {
    if (env == null) {
      return List.of();
    }
    return env.stream().map(variable -> {
      var built = new EnvVarBuilder().withName(variable.name());
      if (variable.secret() != null) {
        built.withNewValueFrom().withNewSecretKeyRef()
            .withName(variable.secret().name()).withKey(variable.secret().key())
            .endSecretKeyRef().endValueFrom();
      } else {
        built.withValue(variable.value());
      }
      return built.build();
    }).toList();
  }

  private static void addModelCache(ModelCache cache, List<Volume> volumes, List<VolumeMount> mounts) {
    if (cache == null) {
      return;
    }
    String path = cache.mountPath() == null ? "/models" : cache.mountPath();
    if (cache.claimName() != null) {
      volumes.add(new VolumeBuilder().withName("model-cache")
          .withNewPersistentVolumeClaim().withClaimName(cache.claimName()).withReadOnly(true).endPersistentVolumeClaim().build());
      mounts.add(mount("model-cache", path, true));
      return;
    }
    volumes.add(new VolumeBuilder().withName("model-cache")
        .withNewEphemeral().withNewVolumeClaimTemplate().withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(cache.storageClassName())
        .withNewResources().addToRequests("storage", new Quantity(cache.size())).endResources()
        .endSpec().endVolumeClaimTemplate().endEphemeral()
        .build());
    mounts.add(mount("model-cache", path, false));
  }

  private static void addCheckpoints(Checkpoints checkpoints, List<Volume> volumes, List<VolumeMount> mounts) {
    if (checkpoints == null) {
      return;
    }
    volumes.add(new VolumeBuilder().withName("checkpoints")
        .withNewPersistentVolumeClaim().withClaimName(checkpoints.claimName()).endPersistentVolumeClaim().build());
    mounts.add(mount("checkpoints", checkpoints.mountPath() == null ? "/checkpoints" : checkpoints.mountPath(), false));
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(readOnly ? true : null).build();
  }

  /** Half of a memory quantity, in MiB: the size of the shared-memory volume. */
  private static Quantity half(String memory) {
    BigDecimal bytes = Quantity.getAmountInBytes(new Quantity(memory));
    BigDecimal mebibytes = bytes.divide(BigDecimal.valueOf(2L * 1024 * 1024), 0, RoundingMode.DOWN);
    return new Quantity(mebibytes.toPlainString() + "Mi");
  }
}
