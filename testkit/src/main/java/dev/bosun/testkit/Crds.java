package dev.bosun.testkit;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Installs Bosun's CustomResourceDefinitions on a test cluster and waits until they can be used.
 */
public final class Crds {

  private static final Duration ESTABLISHED_WITHIN = Duration.ofSeconds(60);

  private Crds() {}

  /** Server-side applies the CRD in {@code file} and waits until the API server serves it. */
  public static void apply(KubernetesClient client, Path file) {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(file)) {
      crd = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(crd)
        .fieldManager("bosun-tests")
        .forceConflicts()
        .serverSideApply();
    awaitEstablished(client, crd.getMetadata().getName());
  }

  public static void awaitEstablished(KubernetesClient client, String name) {
    await("CRD " + name + " established")
        .atMost(ESTABLISHED_WITHIN)
        .until(
            () ->
                isEstablished(
                    client.apiextensions().v1().customResourceDefinitions().withName(name).get()));
  }

  /** A CRD's status (and its conditions) stays empty for a moment after it is created. */
  static boolean isEstablished(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
