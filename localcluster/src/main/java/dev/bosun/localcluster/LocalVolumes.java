package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.HostPathVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the local cluster's volume provisioner decides, as pure functions: its StorageClass, whether
 * a claim is one it provisions, and the PersistentVolume it makes for one. {@link
 * LocalVolumeProvisioner} does the I/O.
 *
 * <p>Every KWOK node is this machine, so a volume is a directory on its disk that any "node" sees:
 * no node affinity, standing in for network storage, so that a volume survives pod and node loss.
 */
public final class LocalVolumes {

  /** The local cluster's default StorageClass. */
  public static final String STORAGE_CLASS = "bosun-local";

  /** The provisioner name on the class and on every PV it made. */
  public static final String PROVISIONER = "bosun.dev/local-path";

  /** The largest claim provisioned: the directories share this machine's disk, without quota. */
  public static final Quantity MAX_CAPACITY = new Quantity("100Gi");

  /** Kubernetes' annotation naming the provisioner of a PV (the PV controller reads it). */
  static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";

  /** Kubernetes' annotation marking the default StorageClass. */
  static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";

  /** The reason of the Event on a claim the provisioner refuses (as external provisioners say). */
  static final String PROVISIONING_FAILED = "ProvisioningFailed";

  private LocalVolumes() {}

  /** What to do with one claim. */
  public sealed interface Decision {
    /** Not this provisioner's: another class, already bound, or being deleted. */
    record Ignore() implements Decision {}

    /** Make this PV (named {@link #volumeName}), unless it exists. */
    record Provision(PersistentVolume volume) implements Decision {}

    /** Never provisioned; the message goes on the claim as an Event. */
    record Refuse(String message) implements Decision {}
  }

  /** The StorageClass, default of the cluster, that names this provisioner. */
  public static StorageClass storageClass() {
    return new StorageClassBuilder()
        .withNewMetadata()
        .withName(STORAGE_CLASS)
        .addToAnnotations(DEFAULT_CLASS, "true")
        .endMetadata()
        .withProvisioner(PROVISIONER)
        .withReclaimPolicy("Delete")
        .withVolumeBindingMode("Immediate")
        .build();
  }

  /** The PV of a claim, as real provisioners name it: the same on every restart. */
  public static String volumeName(PersistentVolumeClaim claim) {
    return "pvc-" + claim.getMetadata().getUid();
  }

  /**
   * Whether to provision {@code claim}, and how: a pending claim of {@link #STORAGE_CLASS} (or of
   * no class, which the default class takes) that names no volume gets a hostPath PV under {@code
   * volumes}, with its capacity, access modes and a claimRef with its uid, for the PV controller to
   * bind.
   */
  public static Decision decide(PersistentVolumeClaim claim, Path volumes) {
    var spec = claim.getSpec();
    String storageClass = spec.getStorageClassName();
    boolean ours = storageClass == null || STORAGE_CLASS.equals(storageClass);
    boolean pending = claim.getStatus() == null || !"Bound".equals(claim.getStatus().getPhase());
    if (!ours
        || !pending
        || spec.getVolumeName() != null
        || claim.getMetadata().getDeletionTimestamp() != null) {
      return new Decision.Ignore();
    }
    Optional<Quantity> request =
        Optional.ofNullable(spec.getResources())
            .map(resources -> resources.getRequests())
            .map(requests -> requests.get("storage"));
    if (request.isEmpty()) {
      return new Decision.Refuse("spec.resources.requests.storage: required");
    }
    BigDecimal bytes = request.get().getNumericalAmount();
    if (bytes.compareTo(MAX_CAPACITY.getNumericalAmount()) > 0) {
      return new Decision.Refuse(
          "spec.resources.requests.storage: "
              + request.get()
              + " is more than the local cluster's limit of "
              + MAX_CAPACITY
              + " per volume");
    }
    String name = volumeName(claim);
    return new Decision.Provision(
        new PersistentVolumeBuilder()
            .withNewMetadata()
            .withName(name)
            .addToAnnotations(PROVISIONED_BY, PROVISIONER)
            .endMetadata()
            .withNewSpec()
            .withCapacity(Map.of("storage", request.get()))
            .withAccessModes(spec.getAccessModes())
            .withStorageClassName(STORAGE_CLASS)
            .withPersistentVolumeReclaimPolicy("Delete")
            .withVolumeMode(spec.getVolumeMode())
            .withHostPath(
                new HostPathVolumeSourceBuilder()
                    .withPath(volumes.resolve(name).toString())
                    .withType("DirectoryOrCreate")
                    .build())
            .withClaimRef(
                new ObjectReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("PersistentVolumeClaim")
                    .withNamespace(claim.getMetadata().getNamespace())
                    .withName(claim.getMetadata().getName())
                    .withUid(claim.getMetadata().getUid())
                    .build())
            .endSpec()
            .build());
  }

  /**
   * The directory of a PV this provisioner made and the PV controller released, to delete with it;
   * empty for any other PV, one already being deleted, or one whose path is not the one it would
   * have made (never delete what is not ours).
   */
  public static Optional<Path> releasedDirectory(PersistentVolume volume, Path volumes) {
    var annotations = volume.getMetadata().getAnnotations();
    boolean ours = annotations != null && PROVISIONER.equals(annotations.get(PROVISIONED_BY));
    boolean released =
        volume.getStatus() != null
            && ("Released".equals(volume.getStatus().getPhase())
                || "Failed".equals(volume.getStatus().getPhase()));
    var spec = volume.getSpec();
    Path expected = volumes.resolve(volume.getMetadata().getName());
    if (!ours
        || !released
        || volume.getMetadata().getDeletionTimestamp() != null
        || !"Delete".equals(spec.getPersistentVolumeReclaimPolicy())
        || spec.getHostPath() == null
        || !expected.toString().equals(spec.getHostPath().getPath())) {
      return Optional.empty();
    }
    return Optional.of(expected);
  }

  /** The host directory of a PV, if it is a hostPath volume. */
  public static Optional<Path> hostDirectory(PersistentVolume volume) {
    return Optional.ofNullable(volume.getSpec().getHostPath())
        .map(hostPath -> Path.of(hostPath.getPath()));
  }
}
