package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LocalVolumesTest {
  private static final Path VOLUMES = Path.of("/home/dev/volumes");

  @Test
  void aPendingClaimGetsAHostPathVolumeBoundToItByUid() {
    var decision = LocalVolumes.decide(claim(builder -> builder), VOLUMES);

    assertThat(decision).isInstanceOf(LocalVolumes.Decision.Provision.class);
    PersistentVolume volume = ((LocalVolumes.Decision.Provision) decision).volume();
    assertThat(volume.getMetadata().getName()).isEqualTo("pvc-1234");
    assertThat(volume.getMetadata().getAnnotations())
        .containsEntry("pv.kubernetes.io/provisioned-by", LocalVolumes.PROVISIONER);
    var spec = volume.getSpec();
    assertThat(spec.getHostPath().getPath()).isEqualTo("/home/dev/volumes/pvc-1234");
    assertThat(spec.getCapacity()).containsEntry("storage", new Quantity("2Gi"));
    assertThat(spec.getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(spec.getStorageClassName()).isEqualTo(LocalVolumes.STORAGE_CLASS);
    assertThat(spec.getPersistentVolumeReclaimPolicy()).isEqualTo("Delete");
    assertThat(spec.getNodeAffinity()).isNull();
    assertThat(spec.getClaimRef().getUid()).isEqualTo("1234");
    assertThat(spec.getClaimRef().getNamespace()).isEqualTo("team");
    assertThat(spec.getClaimRef().getName()).isEqualTo("memory");
  }

  static Stream<Arguments> claims() {
    UnaryOperator<PersistentVolumeClaimBuilder> same = builder -> builder;
    return Stream.of(
        Arguments.of("pending, our class", same, "Provision"),
        Arguments.of(
            "pending, no class",
            edit(b -> b.editSpec().withStorageClassName(null).endSpec()),
            "Provision"),
        Arguments.of(
            "another class",
            edit(b -> b.editSpec().withStorageClassName("fast").endSpec()),
            "Ignore"),
        Arguments.of(
            "explicitly no class",
            edit(b -> b.editSpec().withStorageClassName("").endSpec()),
            "Ignore"),
        Arguments.of(
            "bound", edit(b -> b.withNewStatus().withPhase("Bound").endStatus()), "Ignore"),
        Arguments.of(
            "names a volume", edit(b -> b.editSpec().withVolumeName("pv-1").endSpec()), "Ignore"),
        Arguments.of(
            "being deleted",
            edit(b -> b.editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata()),
            "Ignore"),
        Arguments.of(
            "at the limit",
            edit(
                b ->
                    b.editSpec()
                        .editResources()
                        .addToRequests("storage", LocalVolumes.MAX_CAPACITY)
                        .endResources()
                        .endSpec()),
            "Provision"),
        Arguments.of(
            "over the limit",
            edit(
                b ->
                    b.editSpec()
                        .editResources()
                        .addToRequests("storage", new Quantity("101Gi"))
                        .endResources()
                        .endSpec()),
            "Refuse"),
        Arguments.of(
            "no request", edit(b -> b.editSpec().withResources(null).endSpec()), "Refuse"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("claims")
  void whatIsDoneWithAClaim(
      String name, UnaryOperator<PersistentVolumeClaimBuilder> change, String expected) {
    assertThat(LocalVolumes.decide(claim(change), VOLUMES).getClass().getSimpleName())
        .isEqualTo(expected);
  }

  @Test
  void aRefusalNamesTheFieldAndTheLimit() {
    var decision =
        LocalVolumes.decide(
            claim(
                b ->
                    b.editSpec()
                        .editResources()
                        .addToRequests("storage", new Quantity("1Ti"))
                        .endResources()
                        .endSpec()),
            VOLUMES);
    assertThat(decision)
        .isEqualTo(
            new LocalVolumes.Decision.Refuse(
                "spec.resources.requests.storage: 1Ti is more than the local cluster's limit of"
                    + " 100Gi per volume"));
  }

  static Stream<Arguments> volumes() {
    UnaryOperator<PersistentVolumeBuilder> same = builder -> builder;
    return Stream.of(
        Arguments.of("released, ours", same, true),
        Arguments.of(
            "failed, ours", volumeEdit(b -> b.editStatus().withPhase("Failed").endStatus()), true),
        Arguments.of(
            "bound", volumeEdit(b -> b.editStatus().withPhase("Bound").endStatus()), false),
        Arguments.of(
            "another provisioner",
            volumeEdit(
                b ->
                    b.editMetadata()
                        .addToAnnotations("pv.kubernetes.io/provisioned-by", "other")
                        .endMetadata()),
            false),
        Arguments.of(
            "retained",
            volumeEdit(b -> b.editSpec().withPersistentVolumeReclaimPolicy("Retain").endSpec()),
            false),
        Arguments.of(
            "a path elsewhere",
            volumeEdit(b -> b.editSpec().editHostPath().withPath("/etc").endHostPath().endSpec()),
            false),
        Arguments.of(
            "being deleted",
            volumeEdit(
                b -> b.editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata()),
            false));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("volumes")
  void whichReleasedVolumesAreDeleted(
      String name, UnaryOperator<PersistentVolumeBuilder> change, boolean deleted) {
    PersistentVolume volume =
        change
            .apply(
                new PersistentVolumeBuilder(
                        ((LocalVolumes.Decision.Provision)
                                LocalVolumes.decide(claim(b -> b), VOLUMES))
                            .volume())
                    .withNewStatus()
                    .withPhase("Released")
                    .endStatus())
            .build();
    assertThat(LocalVolumes.releasedDirectory(volume, VOLUMES))
        .isEqualTo(deleted ? Optional.of(VOLUMES.resolve("pvc-1234")) : Optional.empty());
  }

  @Test
  void theStorageClassIsTheDefaultWithImmediateBinding() {
    var storageClass = LocalVolumes.storageClass();
    assertThat(storageClass.getMetadata().getAnnotations())
        .isEqualTo(Map.of("storageclass.kubernetes.io/is-default-class", "true"));
    assertThat(storageClass.getProvisioner()).isEqualTo("bosun.dev/local-path");
    assertThat(storageClass.getReclaimPolicy()).isEqualTo("Delete");
    assertThat(storageClass.getVolumeBindingMode()).isEqualTo("Immediate");
  }

  private static UnaryOperator<PersistentVolumeClaimBuilder> edit(
      UnaryOperator<PersistentVolumeClaimBuilder> change) {
    return change;
  }

  private static UnaryOperator<PersistentVolumeBuilder> volumeEdit(
      UnaryOperator<PersistentVolumeBuilder> change) {
    return change;
  }

  private static PersistentVolumeClaim claim(UnaryOperator<PersistentVolumeClaimBuilder> change) {
    return change
        .apply(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withNamespace("team")
                .withName("memory")
                .withUid("1234")
                .endMetadata()
                .withNewSpec()
                .withStorageClassName(LocalVolumes.STORAGE_CLASS)
                .withAccessModes("ReadWriteOnce")
                .withNewResources()
                .addToRequests("storage", new Quantity("2Gi"))
                .endResources()
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .endStatus())
        .build();
  }
}
