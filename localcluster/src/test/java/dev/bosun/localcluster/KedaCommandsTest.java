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

class KedaCommandsTest {

  private static final KedaCommands COMMANDS =
      new KedaCommands(
          new KedaBinaries(Path.of("/cache/keda/2.21.0")),
          Path.of("/home/dev/kubeconfig"),
          Path.of("/home/dev/keda/certs"),
          new KedaCommands.Ports(20001, 20002, 20003, 20004, 20005));

  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Test
  void theAdapterAsksTheOperatorsGrpcServerOnLoopback() {
    assertThat(COMMANDS.operator()).contains("--metrics-service-bind-address=127.0.0.1:20003");
    assertThat(COMMANDS.adapter()).contains("--metrics-service-address=127.0.0.1:20003");
  }

  @Test
  void theOperatorListensOnLoopbackOnlyAndReadsTheCertificatesWritten() {
    assertThat(COMMANDS.operator()).first().isEqualTo("/cache/keda/2.21.0/bin/keda-operator");
    assertThat(COMMANDS.operator())
        .filteredOn(argument -> argument.contains("-address="))
        .allMatch(argument -> argument.contains("=127.0.0.1:"));
    assertThat(COMMANDS.operator())
        .contains("--cert-dir=/home/dev/keda/certs", "--enable-cert-rotation=false");
    assertThat(COMMANDS.operatorReadiness()).isEqualTo("http://127.0.0.1:20002/readyz");
  }

  @Test
  void theAdapterServesHttpsOnLoopbackWithTheWrittenCertificate() {
    assertThat(COMMANDS.adapter())
        .contains(
            "--bind-address=127.0.0.1",
            "--secure-port=20004",
            "--tls-cert-file=/home/dev/keda/certs/tls.crt",
            "--tls-private-key-file=/home/dev/keda/certs/tls.key",
            "--authentication-kubeconfig=/home/dev/kubeconfig",
            "--authorization-kubeconfig=/home/dev/kubeconfig",
            "--lister-kubeconfig=/home/dev/kubeconfig");
  }

  @Test
  void bothWatchEveryNamespaceAsPodsOfTheKedaNamespace() {
    assertThat(COMMANDS.environment())
        .containsEntry("KUBECONFIG", "/home/dev/kubeconfig")
        .containsEntry("WATCH_NAMESPACE", "")
        .containsEntry("POD_NAMESPACE", Keda.NAMESPACE)
        .containsEntry("KEDA_CLUSTER_OBJECT_NAMESPACE", Keda.NAMESPACE);
  }

  @Test
  void theApiServiceSendsTheAggregatorToTheAdaptersPortTrustingTheCa() {
    byte[] ca = "-----BEGIN CERTIFICATE-----\n...".getBytes(StandardCharsets.US_ASCII);
    var apiService =
        YAML.unmarshal(COMMANDS.externalMetricsApiService(ca), GenericKubernetesResource.class);

    assertThat(apiService.getMetadata().getName()).isEqualTo(Keda.EXTERNAL_METRICS_API);
    @SuppressWarnings("unchecked")
    var spec = (Map<String, Object>) apiService.getAdditionalProperties().get("spec");
    assertThat(spec)
        .containsEntry("group", "external.metrics.k8s.io")
        .containsEntry("version", "v1beta1")
        .containsEntry(
            "service",
            Map.of("name", Keda.METRICS_SERVICE, "namespace", Keda.NAMESPACE, "port", 20004));
    assertThat(Base64.getDecoder().decode((String) spec.get("caBundle"))).isEqualTo(ca);
  }

  @Test
  void theServiceResolvesToThisMachineUnderTheNameTheCertificateCarries() {
    var service = YAML.unmarshal(KedaCommands.metricsService(), Service.class);

    assertThat(service.getSpec().getType()).isEqualTo("ExternalName");
    assertThat(service.getSpec().getExternalName()).isEqualTo("localhost");
    assertThat(
            service.getMetadata().getName() + "." + service.getMetadata().getNamespace() + ".svc")
        .isEqualTo(Keda.SERVING_NAME);
  }
}
