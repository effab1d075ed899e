package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * API servers that run on this machine beside the local cluster and that kube-apiserver's
 * aggregator proxies to (KEDA's adapter, metrics-server): the Service and APIService that register
 * one, and whether the aggregator reaches it. What {@link Keda} and {@link MetricsServer} share.
 *
 * <p>KWOK's pods run nothing and nothing routes a ClusterIP here, so the Service is of type
 * ExternalName ({@code localhost}): the aggregator dials {@code https://localhost:<the APIService's
 * port>}, the server on loopback. It checks the server's certificate for {@code
 * <service>.<namespace>.svc} against the APIService's {@code caBundle}, the cluster's CA.
 */
final class AggregatedApis {

  private static final String FIELD_MANAGER = "bosun-dev";

  private AggregatedApis() {}

  /** The ExternalName Service an APIService names. */
  static String service(String name, String namespace) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: %s
          namespace: %s
        spec:
          type: ExternalName
          externalName: localhost
        """
        .formatted(name, namespace);
  }

  /**
   * The APIService {@code <version>.<group>} served through the Service {@code namespace/service}
   * on {@code port}, trusted through {@code caBundle}: the CA that signed the server's certificate.
   */
  static String apiService(
      String group, String version, String service, String namespace, int port, byte[] caBundle) {
    return """
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata:
          name: %s
        spec:
          group: %s
          version: %s
          groupPriorityMinimum: 100
          versionPriority: 100
          service:
            name: %s
            namespace: %s
            port: %d
          caBundle: %s
        """
        .formatted(
            version + "." + group,
            group,
            version,
            service,
            namespace,
            port,
            Base64.getEncoder().encodeToString(caBundle));
  }

  /** Server-side applies the Service and the APIService. */
  static void register(KubernetesClient client, String service, String apiService) {
    var serialization = client.getKubernetesSerialization();
    client
        .resource(serialization.unmarshal(service, Service.class))
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
    client
        .resource(serialization.unmarshal(apiService, GenericKubernetesResource.class))
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
  }

  /**
   * Removes the APIService: an unavailable aggregated API makes discovery, and with it namespace
   * deletion, fail for the whole cluster.
   */
  static void unregister(KubernetesClient client, String apiService) {
    client
        .genericKubernetesResources("apiregistration.k8s.io/v1", "APIService")
        .withName(apiService)
        .delete();
  }

  static boolean available(KubernetesClient client, String apiService) {
    return condition(client, apiService).map(c -> "True".equals(c.get("status"))).orElse(false);
  }

  /** The APIService's Available condition, in words. */
  static Optional<String> availability(KubernetesClient client, String apiService) {
    return condition(client, apiService)
        .map(c -> c.get("status") + " (" + c.get("reason") + "): " + c.get("message"));
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> condition(
      KubernetesClient client, String apiServiceName) {
    try {
      var apiService =
          client
              .genericKubernetesResources("apiregistration.k8s.io/v1", "APIService")
              .withName(apiServiceName)
              .get();
      if (apiService == null
          || !(apiService.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
          || !(status.get("conditions") instanceof List<?> conditions)) {
        return Optional.empty();
      }
      return conditions.stream()
          .map(c -> (Map<String, Object>) c)
          .filter(c -> "Available".equals(c.get("type")))
          .findFirst();
    } catch (KubernetesClientException e) {
      return Optional.empty();
    }
  }

  /** Whether {@code certificate} (PEM) names {@code host} among its subject alternative names. */
  static boolean certificateNames(Path certificate, String host) throws IOException {
    try (InputStream in = Files.newInputStream(certificate)) {
      var x509 = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      Collection<List<?>> names =
          Objects.requireNonNullElse(x509.getSubjectAlternativeNames(), List.of());
      return names.stream().anyMatch(name -> host.equals(name.get(1)));
    } catch (CertificateParsingException e) {
      return false;
    } catch (CertificateException e) {
      throw new IOException("cannot read the certificate " + certificate, e);
    }
  }
}
