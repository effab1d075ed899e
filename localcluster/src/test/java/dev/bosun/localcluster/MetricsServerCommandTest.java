package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsServerCommandTest {

  private static final MetricsServerCommand COMMAND =
      new MetricsServerCommand(
          Path.of("/cache/tools/metrics-server/0.8.0/bin/metrics-server"),
          Path.of("/home/dev/kubeconfig"),
          Path.of("/home/dev/kwok/clusters/bosun/pki"),
          20011);

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Test
  void itServesOnLoopbackWithTheClustersCertificateAndScrapesWhereKwokPlaysTheKubelet() {
    assertThat(COMMAND.arguments())
        .first()
        .isEqualTo("/cache/tools/metrics-server/0.8.0/bin/metrics-server");
    assertThat(COMMAND.arguments())
        .contains(
            "--bind-address=127.0.0.1",
            "--secure-port=20011",
            "--tls-cert-file=/home/dev/kwok/clusters/bosun/pki/admin.crt",
            "--tls-private-key-file=/home/dev/kwok/clusters/bosun/pki/admin.key",
            "--kubeconfig=/home/dev/kubeconfig",
            "--kubelet-use-node-status-port",
            "--kubelet-preferred-address-types=Hostname",
            "--metric-resolution=15s");
  }

  @Test
  void theApiServiceSendsTheAggregatorToItsPortTrustingTheCa() {
    byte[] ca = "-----BEGIN CERTIFICATE-----\n...".getBytes(StandardCharsets.US_ASCII);
    var apiService = YAML.unmarshal(COMMAND.apiService(ca), GenericKubernetesResource.class);

    assertThat(apiService.getMetadata().getName()).isEqualTo("v1beta1.metrics.k8s.io");
    @SuppressWarnings("unchecked")
    var spec = (Map<String, Object>) apiService.getAdditionalProperties().get("spec");
    assertThat(spec)
        .containsEntry("group", "metrics.k8s.io")
        .containsEntry("version", "v1beta1")
        .containsEntry(
            "service",
            Map.of(
                "name",
                MetricsServer.SERVICE,
                "namespace",
                MetricsServer.NAMESPACE,
                "port",
                20011));
    assertThat(Base64.getDecoder().decode((String) spec.get("caBundle"))).isEqualTo(ca);
  }

  @Test
  void theServiceResolvesToThisMachineUnderTheNameTheCertificateCarries() {
    var service = YAML.unmarshal(MetricsServerCommand.service(), Service.class);

    assertThat(service.getSpec().getType()).isEqualTo("ExternalName");
    assertThat(service.getSpec().getExternalName()).isEqualTo("localhost");
    assertThat(
            service.getMetadata().getName() + "." + service.getMetadata().getNamespace() + ".svc")
        .isEqualTo(MetricsServer.SERVING_NAME);
  }
}
