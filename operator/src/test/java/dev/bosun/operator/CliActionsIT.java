package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.ConditionTypes;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentSpec;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.Reasons;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.Labels;
import dev.bosun.compiler.manifest.ManifestReader;
import dev.bosun.operator.client.CliActions;
import dev.bosun.testkit.LocalClusterExtension;
import dev.bosun.testkit.SharedCluster;
import dev.bosun.testkit.TestNamespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** bosun deploy, status, promote and delete against the local cluster and the operator. */
@ExtendWith(LocalClusterExtension.class)
class CliActionsIT {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static SharedCluster cluster;
  private final List<Runnable> cleanups = new ArrayList<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private CliActions cli;
  private String staging;
  private String production;
  private String productionNamespace;

  @BeforeAll
  static void operator(SharedCluster shared) {
    cluster = shared;
    RunningOperator.ensureStarted(shared);
  }

  @BeforeEach
  void environments(TestNamespace namespace) {
    cli =
        new CliActions(
            () ->
                new KubernetesClientBuilder()
                    .withConfig(cluster.client().getConfiguration())
                    .build(),
            new PrintWriter(out),
            new PrintWriter(err));
    String suffix = namespace.name().substring(namespace.name().lastIndexOf('-') + 1);
    staging = "staging-" + suffix;
    production = "production-" + suffix;
    productionNamespace = namespace.name() + "-prod";
    environment(staging, new EnvironmentSpecBuilder().withNamespace(namespace.name()).build());
    environment(
        production,
        new EnvironmentSpecBuilder()
            .withNamespace(productionNamespace)
            .withPromotesFrom(staging)
            .build());
    cleanups.add(() -> cluster.client().namespaces().withName(productionNamespace).delete());
  }

  /** {@code bosun deploy} after the CLI has read {@code file}, which it names in messages. */
  private int deploy(Path file, String environment, boolean wait, Duration timeout)
      throws IOException {
    List<Workload> workloads =
        ManifestReader.read(file.toString(), Files.readString(file)).objectsOf(Workload.class);
    return cli.deploy(file.toString(), workloads, environment, wait, timeout);
  }

  @AfterEach
  void cleanUp() {
    cleanups.forEach(Runnable::run);
  }

  @Test
  void deployWaitsUntilReadyAndStatusShowsIt(@TempDir Path dir, KubernetesClient client)
      throws IOException {
    Path file = workloadFile(dir, "web", "cpu-s", "registry.example.com/acme/web:1.0");

    int exit = deploy(file, staging, true, Duration.ofSeconds(90));

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("workload/web applied to " + staging)
        .contains("web: Ready");
    out.getBuffer().setLength(0);
    assertThat(cli.status("web", client.getNamespace(), false)).isZero();
    assertThat(out.toString().lines().toList()).hasSize(2);
    assertThat(out.toString())
        .contains("WORKLOAD")
        .contains("web")
        .contains(staging)
        .contains("cpu-s")
        .contains("2/2")
        .contains("Ready=True");
    out.getBuffer().setLength(0);
    assertThat(cli.status("web", client.getNamespace(), true)).isZero();
    assertThat(out.toString()).contains("\"ready\":\"2/2\"").contains("\"tier\":\"cpu-s\"");

    assertThat(cli.delete("web", staging)).isZero();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.apps().deployments().withName("web").get() == null);
  }

  @Test
  void badInputNamesTheFieldAndExitsTwo(@TempDir Path dir) throws IOException {
    assertThat(
            deploy(
                workloadFile(dir, "web", "cpu-nope", "registry.example.com/acme/web:1.0"),
                staging,
                false,
                Duration.ZERO))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("Workload/web: spec.size: tier \"cpu-nope\" does not exist");
    assertThat(
            deploy(
                workloadFile(dir, "web", "cpu-s", "registry.example.com/acme/web:1.0"),
                "nowhere",
                false,
                Duration.ZERO))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--env: environment \"nowhere\" does not exist");
    assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void promotionPinsTheDigestThatRunsInStaging(@TempDir Path dir, KubernetesClient client)
      throws IOException {
    assertThat(
            deploy(
                workloadFile(dir, "web", "cpu-s", "registry.example.com/acme/web:1.0"),
                staging,
                true,
                Duration.ofSeconds(90)))
        .as(err.toString())
        .isZero();
    reportPulledDigest(client, "web");

    assertThat(cli.promote("web", staging, production, null)).as(err.toString()).isZero();

    Workload promoted = productionWeb();
    assertThat(promoted.getSpec().image()).isEqualTo("registry.example.com/acme/web@" + DIGEST);
    assertThat(promoted.getSpec().size()).isEqualTo("cpu-s");
    assertThat(out.toString()).contains("promoted from " + staging + " to " + production);
  }

  @Test
  void aSpecPinnedByDigestIsPromotedAsItIsAndItsPodsReportItsImageId(
      @TempDir Path dir, KubernetesClient client) throws IOException {
    String pinned = "registry.example.com/acme/web@" + DIGEST;
    assertThat(
            deploy(
                workloadFile(dir, "web", "cpu-s", pinned), staging, true, Duration.ofSeconds(90)))
        .as(err.toString())
        .isZero();

    // The simulated kubelet reports the image ID a kubelet reports for an image pinned by digest.
    assertThat(client.pods().withLabel(Labels.WORKLOAD, "web").list().getItems())
        .isNotEmpty()
        .allSatisfy(
            pod ->
                assertThat(pod.getStatus().getContainerStatuses())
                    .allSatisfy(c -> assertThat(c.getImageID()).isEqualTo(pinned)));
    assertThat(cli.promote("web", staging, production, null)).as(err.toString()).isZero();

    assertThat(productionWeb().getSpec().image()).isEqualTo(pinned);
  }

  @Test
  void promotionIsRefusedWhileStagingIsNotReady(KubernetesClient client) {
    client.resource(Workloads.service("web", "cpu-missing", 1, 1)).create();
    ClusterWorkloads.awaitStatus(
        client, "web", w -> ClusterWorkloads.is(w, ConditionTypes.DEGRADED, "True", null));

    assertThat(cli.promote("web", staging, production, null)).isEqualTo(2);

    assertThat(err.toString())
        .contains("web is not Ready in " + staging)
        .contains(Reasons.TIER_NOT_FOUND);
    assertThat(productionWeb()).isNull();
  }

  /**
   * A kubelet reports the digest it pulled in status.containerStatuses[].imageID; KWOK pulls
   * nothing, so the test reports one the way a kubelet would.
   */
  private static void reportPulledDigest(KubernetesClient client, String workload) {
    for (Pod pod : client.pods().withLabel(Labels.WORKLOAD, workload).list().getItems()) {
      var statuses = pod.getStatus().getContainerStatuses();
      assertThat(statuses).isNotEmpty();
      String containers =
          statuses.stream()
              .map(
                  s ->
                      "{\"name\":\"%s\",\"imageID\":\"registry.example.com/acme/web@%s\"}"
                          .formatted(s.getName(), DIGEST))
              .reduce((a, b) -> a + "," + b)
              .orElseThrow();
      client
          .pods()
          .withName(pod.getMetadata().getName())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.STRATEGIC_MERGE),
              "{\"status\":{\"containerStatuses\":[" + containers + "]}}");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client.pods().withLabel(Labels.WORKLOAD, workload).list().getItems().stream()
                    .allMatch(
                        p ->
                            p.getStatus().getContainerStatuses().stream()
                                .allMatch(
                                    s ->
                                        s.getImageID() != null
                                            && s.getImageID().contains(DIGEST))));
  }

  /** The Workload web in production, or null. */
  private Workload productionWeb() {
    return cluster
        .client()
        .resources(Workload.class)
        .inNamespace(productionNamespace)
        .withName("web")
        .get();
  }

  private static Path workloadFile(Path dir, String name, String size, String image)
      throws IOException {
    return Files.writeString(
        dir.resolve(name + ".yaml"),
        """
        apiVersion: bosun.dev/v1alpha1
        kind: Workload
        metadata:
          name: %s
        spec:
          type: Service
          image: %s
          size: %s
          port: 8080
          replicas: {min: 2, max: 2}
        """
            .formatted(name, image, size));
  }

  private void environment(String name, EnvironmentSpec spec) {
    var environment = new Environment();
    environment.setMetadata(new ObjectMetaBuilder().withName(name).build());
    environment.setSpec(spec);
    cluster.client().resource(environment).create();
    cleanups.add(() -> cluster.client().resource(environment).delete());
  }
}
