package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.v1alpha1.Sandboxes;
import dev.bosun.localcluster.PodNetwork;
import dev.bosun.localcluster.SandboxServers;
import dev.bosun.localcluster.StandInAgent;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in sandbox servers on the real control plane: a Running sandbox pod gets a server
 * registered in the pod network, which answers, keeps its counter in the PV of the pod's memory
 * claim, and goes with the pod; a replacement pod on the same claim counts on.
 */
@ExtendWith(LocalClusterExtension.class)
class SandboxServersIT {
  private static final Duration WITHIN = Duration.ofSeconds(60);
  private static final String SANDBOX = "agent";

  @TempDir Path home;

  private KubernetesClient client;
  private SandboxServers servers;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void restrictedNamespaceAndServers(KubernetesClient client, TestNamespace namespace) {
    this.client = client;
    client
        .namespaces()
        .withName(namespace.name())
        .edit(
            ns -> {
              ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
              return ns;
            });
    servers = SandboxServers.start(client, PodNetwork.atHome(home), System.err::println);
  }

  @AfterEach
  void stopServers() {
    servers.close();
    http.close();
  }

  @Test
  void aSandboxPodIsServedAndItsCounterOutlivesThePod(SharedCluster cluster) throws Exception {
    client
        .resource(LocalVolumeProvisionerIT.claim(Sandboxes.volumeClaimName(SANDBOX), "1Gi", null))
        .create();
    var first = client.resource(sandboxPod()).create();
    var address = awaitServed(first);

    assertThat(get(address, "/"))
        .containsEntry("pod", SANDBOX)
        .containsEntry("sandbox", SANDBOX)
        .containsEntry("requests", 1);
    assertThat(get(address, "/again")).containsEntry("requests", 2).containsEntry("path", "/again");
    var echo =
        http.send(
            HttpRequest.newBuilder(uri(address, "/tools/run"))
                .POST(HttpRequest.BodyPublishers.ofString("ls -la"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(echo.statusCode()).isEqualTo(200);
    assertThat(json(echo.body()))
        .containsEntry("body", "ls -la")
        .containsEntry("path", "/tools/run")
        .containsEntry("requests", 3);
    var tooLarge =
        http.send(
            HttpRequest.newBuilder(uri(address, "/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[StandInAgent.MAX_BODY + 1]))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(tooLarge.statusCode()).isEqualTo(413);

    String volume =
        client
            .persistentVolumeClaims()
            .withName(Sandboxes.volumeClaimName(SANDBOX))
            .get()
            .getSpec()
            .getVolumeName();
    assertThat(cluster.volumesDirectory().resolve(volume).resolve("requests")).hasContent("3\n");

    // The pod goes: so do its server and its file.
    var endpoint = endpoint(client.resource(first).get());
    client.resource(first).delete();
    await().atMost(WITHIN).until(() -> servers.network().lookup(endpoint).isEmpty());

    // A replacement on the same claim counts on from the volume.
    await().atMost(WITHIN).until(() -> client.pods().withName(SANDBOX).get() == null);
    var second = client.resource(sandboxPod()).create();
    var replacement = awaitServed(second);
    assertThat(get(replacement, "/")).containsEntry("requests", 4);
  }

  @Test
  void closingStopsEveryServerAndRemovesItsFile() {
    client
        .resource(LocalVolumeProvisionerIT.claim(Sandboxes.volumeClaimName(SANDBOX), "1Gi", null))
        .create();
    var pod = client.resource(sandboxPod()).create();
    awaitServed(pod);

    servers.close();

    assertThat(servers.network().directory()).isEmptyDirectory();
  }

  private InetSocketAddress awaitServed(Pod created) {
    await()
        .atMost(WITHIN)
        .until(
            () -> {
              var pod = client.pods().withName(created.getMetadata().getName()).get();
              return pod.getMetadata().getUid().equals(created.getMetadata().getUid())
                  && pod.getStatus().getPodIP() != null
                  && servers.network().lookup(endpoint(pod)).isPresent();
            });
    return servers.network().lookup(endpoint(client.resource(created).get())).orElseThrow();
  }

  private static PodNetwork.Endpoint endpoint(Pod pod) {
    return new PodNetwork.Endpoint(pod.getStatus().getPodIP(), Sandboxes.DEFAULT_PORT);
  }

  private Map<String, Object> get(InetSocketAddress address, String path)
      throws IOException, InterruptedException {
    var response =
        http.send(
            HttpRequest.newBuilder(uri(address, path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response.body());
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> json(String body) {
    return client.getKubernetesSerialization().unmarshal(body, Map.class);
  }

  private static URI uri(InetSocketAddress address, String path) {
    return URI.create("http://" + address.getHostString() + ":" + address.getPort() + path);
  }

  /** A pod as a Sandbox's looks to the stand-ins: labelled, port http, memory at /memory. */
  private static Pod sandboxPod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName(SANDBOX)
        .addToLabels(Sandboxes.SANDBOX_LABEL, SANDBOX)
        .endMetadata()
        .withNewSpec()
        .withRuntimeClassName(Sandboxes.RUNTIME_CLASS)
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(65532L)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("agent")
        .withImage("registry.example.com/agent:1")
        .addNewPort()
        .withName("http")
        .withContainerPort(Sandboxes.DEFAULT_PORT)
        .endPort()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("memory")
        .withMountPath(Sandboxes.MEMORY_PATH)
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("memory")
        .withNewPersistentVolumeClaim()
        .withClaimName(Sandboxes.volumeClaimName(SANDBOX))
        .endPersistentVolumeClaim()
        .endVolume()
        .endSpec()
        .build();
  }
}
