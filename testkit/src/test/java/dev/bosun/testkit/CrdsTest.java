package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class CrdsTest {

  private final KubernetesSerialization json = new KubernetesSerialization();

  /** What the API server returns just after a create: Go's nil conditions slice, as JSON null. */
  @Test
  void aStatusWithNullConditionsIsNotEstablishedYet() {
    var crd =
        json.unmarshal(
            """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"workloads.bosun.dev"},
         "status":{"conditions":null,"acceptedNames":{"kind":"","plural":""},"storedVersions":["v1alpha1"]}}
        """,
            CustomResourceDefinition.class);
    assertThat(crd.getStatus().getConditions()).isNull();
    assertThat(Crds.isEstablished(crd)).isFalse();
    assertThat(
            Crds.isEstablished(
                new CustomResourceDefinitionBuilder()
                    .withNewMetadata()
                    .withName("x")
                    .endMetadata()
                    .build()))
        .isFalse();
    assertThat(Crds.isEstablished(null)).isFalse();
  }

  @Test
  void onlyEstablishedTrueCounts() {
    assertThat(Crds.isEstablished(withCondition("NamesAccepted", "True"))).isFalse();
    assertThat(Crds.isEstablished(withCondition("Established", "False"))).isFalse();
    assertThat(Crds.isEstablished(withCondition("Established", "True"))).isTrue();
  }

  private static CustomResourceDefinition withCondition(String type, String status) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withName("x")
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType(type)
        .withStatus(status)
        .endCondition()
        .endStatus()
        .build();
  }
}
