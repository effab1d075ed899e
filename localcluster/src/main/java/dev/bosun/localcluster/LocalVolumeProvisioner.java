package dev.bosun.localcluster;

import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The local cluster's dynamic volume provisioner for {@link LocalVolumes#STORAGE_CLASS}: it watches
 * claims and makes a real PersistentVolume, a directory under {@code <home>/volumes/<pv>}, bound by
 * kube-controller-manager's PV controller through the PV's claimRef; when the PV controller
 * releases a PV of ours (its claim is gone), it deletes the PV and the directory. What to do is
 * {@link LocalVolumes}'s decision; this class does the I/O, one event at a time.
 */
public final class LocalVolumeProvisioner implements AutoCloseable {

  /** How often the informers hand every object again, so that a failed step is retried. */
  private static final long RESYNC_MILLIS = 30_000;

  private final KubernetesClient client;
  private final Path volumes;
  private final Consumer<String> log;
  private final ExecutorService worker;
  private final List<SharedIndexInformer<?>> informers;

  private LocalVolumeProvisioner(KubernetesClient client, Path volumes, Consumer<String> log) {
    this.client = client;
    this.volumes = volumes;
    this.log = log;
    this.worker =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("bosun-local-path").factory());
    this.informers =
        List.of(
            client
                .persistentVolumeClaims()
                .inAnyNamespace()
                .inform(handler(this::provision), RESYNC_MILLIS),
            client.persistentVolumes().inform(handler(this::reclaim), RESYNC_MILLIS));
  }

  /**
   * Installs the StorageClass and the sandbox RuntimeClass, and provisions until closed.
   *
   * @param home the local cluster's home; volumes go under {@code <home>/volumes}
   */
  public static LocalVolumeProvisioner start(
      KubernetesClient client, Path home, Consumer<String> log) {
    installClasses(client);
    Path volumes = home.toAbsolutePath().resolve("volumes");
    try {
      Files.createDirectories(volumes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + volumes, e);
    }
    return new LocalVolumeProvisioner(client, volumes, log);
  }

  /**
   * The cluster-wide classes sandboxes need on the local cluster: the default StorageClass and the
   * RuntimeClass admission checks (KWOK pods run no containers, so its handler is never called).
   */
  public static void installClasses(KubernetesClient client) {
    client.resource(LocalVolumes.storageClass()).serverSideApply();
    client.resource(sandboxRuntimeClass()).serverSideApply();
  }

  /** The RuntimeClass sandbox pods name, as deploy/sandbox/ ships it. */
  public static RuntimeClass sandboxRuntimeClass() {
    return new RuntimeClassBuilder()
        .withNewMetadata()
        .withName(Sandboxes.RUNTIME_CLASS)
        .endMetadata()
        .withHandler(Sandboxes.RUNTIME_HANDLER)
        .build();
  }

  private <T> ResourceEventHandler<T> handler(Consumer<T> step) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        submit(step, object);
      }

      @Override
      public void onUpdate(T previous, T object) {
        submit(step, object);
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        // A deleted claim releases its PV, which the PV's update reports.
      }
    };
  }

  private <T> void submit(Consumer<T> step, T object) {
    worker.execute(
        () -> {
          try {
            step.accept(object);
          } catch (KubernetesClientException | UncheckedIOException e) {
            // The next resync tries again.
            log.accept("local-path: " + e.getMessage());
          }
        });
  }

  private void provision(PersistentVolumeClaim claim) {
    switch (LocalVolumes.decide(claim, volumes)) {
      case LocalVolumes.Decision.Ignore ignore -> {}
      case LocalVolumes.Decision.Refuse refuse -> refuse(claim, refuse.message());
      case LocalVolumes.Decision.Provision provision -> create(claim, provision.volume());
    }
  }

  private void create(PersistentVolumeClaim claim, PersistentVolume volume) {
    String name = volume.getMetadata().getName();
    if (client.persistentVolumes().withName(name).get() != null) {
      return;
    }
    Path directory = volumes.resolve(name);
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
    try {
      client.persistentVolumes().resource(volume).create();
      log.accept(
          "local-path: provisioned "
              + name
              + " for "
              + claim.getMetadata().getNamespace()
              + "/"
              + claim.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  /** An Event on the claim, once per claim (its name is fixed), as external provisioners report. */
  private void refuse(PersistentVolumeClaim claim, String message) {
    var metadata = claim.getMetadata();
    String now = Instant.now().toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(metadata.getNamespace())
            .withName(metadata.getName() + "." + metadata.getUid() + ".local-path")
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("PersistentVolumeClaim")
                    .withNamespace(metadata.getNamespace())
                    .withName(metadata.getName())
                    .withUid(metadata.getUid())
                    .build())
            .withReason(LocalVolumes.PROVISIONING_FAILED)
            .withMessage(message)
            .withType("Warning")
            .withNewSource()
            .withComponent(LocalVolumes.PROVISIONER)
            .endSource()
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    try {
      client.v1().events().inNamespace(metadata.getNamespace()).resource(event).create();
      log.accept(
          "local-path: refused "
              + metadata.getNamespace()
              + "/"
              + metadata.getName()
              + ": "
              + message);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  private void reclaim(PersistentVolume volume) {
    var directory = LocalVolumes.releasedDirectory(volume, volumes);
    if (directory.isEmpty()) {
      return;
    }
    deleteRecursively(directory.get());
    client.persistentVolumes().withName(volume.getMetadata().getName()).delete();
    log.accept("local-path: deleted " + volume.getMetadata().getName() + " and its directory");
  }

  private static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(directory)) {
      for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory, e);
    }
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    worker.shutdown();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
