package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.localcluster.LocalVolumes;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The local volume provisioner on the real control plane: kube-controller-manager's PV controller
 * binds the PVs it makes, releases them when their claim goes, and the scheduler places a pod on a
 * bound claim.
 */
@ExtendWith(LocalClusterExtension.class)
class LocalVolumeProvisionerIT {
  private static final Duration BINDING = Duration.ofSeconds(60);

  @Test
  void aClaimOfTheDefaultClassGetsABoundVolumeThatGoesWithIt(
      KubernetesClient client, SharedCluster cluster) {
    var claim = client.resource(claim("memory", "1Gi", null)).create();
    // The default StorageClass admission gave the class-less claim ours.
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo(LocalVolumes.STORAGE_CLASS);

    var bound = awaitBound(client, "memory");
    String volumeName = bound.getSpec().getVolumeName();
    assertThat(volumeName).isEqualTo("pvc-" + claim.getMetadata().getUid());
    var volume = client.persistentVolumes().withName(volumeName).get();
    assertThat(volume.getStatus().getPhase()).isEqualTo("Bound");
    assertThat(volume.getSpec().getCapacity().get("storage")).isEqualTo(new Quantity("1Gi"));
    assertThat(volume.getSpec().getNodeAffinity()).isNull();
    Path directory = cluster.volumesDirectory().resolve(volumeName);
    assertThat(volume.getSpec().getHostPath().getPath()).isEqualTo(directory.toString());
    assertThat(directory).isDirectory();

    client.resource(bound).delete();
    await()
        .atMost(BINDING)
        .untilAsserted(
            () -> {
              assertThat(client.persistentVolumes().withName(volumeName).get()).isNull();
              assertThat(directory).doesNotExist();
            });
  }

  @Test
  void aPodOnABoundClaimIsScheduled(KubernetesClient client) {
    client.resource(claim("data", "100Mi", LocalVolumes.STORAGE_CLASS)).create();
    awaitBound(client, "data");
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("uses-data")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("registry.example.com/agent:1")
                .addNewVolumeMount()
                .withName("data")
                .withMountPath("/data")
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("data")
                .withNewPersistentVolumeClaim()
                .withClaimName("data")
                .endPersistentVolumeClaim()
                .endVolume()
                .endSpec()
                .build())
        .create();
    await()
        .atMost(BINDING)
        .untilAsserted(
            () -> {
              Pod pod = client.pods().withName("uses-data").get();
              assertThat(pod.getSpec().getNodeName()).isNotBlank();
              assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            });
  }

  @Test
  void aClaimOverTheLimitIsRefusedWithAnEventNamingIt(
      KubernetesClient client, SharedCluster cluster) {
    var claim = client.resource(claim("huge", "1Ti", LocalVolumes.STORAGE_CLASS)).create();
    await()
        .atMost(BINDING)
        .untilAsserted(
            () ->
                assertThat(client.v1().events().list().getItems())
                    .anySatisfy(
                        event -> {
                          assertThat(event.getInvolvedObject().getUid())
                              .isEqualTo(claim.getMetadata().getUid());
                          assertThat(event.getType()).isEqualTo("Warning");
                          assertThat(event.getMessage())
                              .contains("spec.resources.requests.storage")
                              .contains(LocalVolumes.MAX_CAPACITY.toString());
                        }));
    String volumeName = "pvc-" + claim.getMetadata().getUid();
    assertThat(client.persistentVolumes().withName(volumeName).get()).isNull();
    assertThat(cluster.volumesDirectory().resolve(volumeName)).doesNotExist();
  }

  private static PersistentVolumeClaim awaitBound(KubernetesClient client, String name) {
    await()
        .atMost(BINDING)
        .until(
            () -> {
              var claim = client.persistentVolumeClaims().withName(name).get();
              return claim.getStatus() != null && "Bound".equals(claim.getStatus().getPhase());
            });
    return client.persistentVolumeClaims().withName(name).get();
  }

  static PersistentVolumeClaim claim(String name, String size, String storageClass) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(storageClass)
        .withNewResources()
        .addToRequests("storage", new Quantity(size))
        .endResources()
        .endSpec()
        .build();
  }
}
