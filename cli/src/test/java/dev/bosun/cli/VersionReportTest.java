package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.cli.VersionReport.Crd;
import dev.bosun.cli.VersionReport.CrdState;
import dev.bosun.cli.VersionReport.Operator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionReportTest {
  private static final List<Crd> ALL_SAME = List.of(new Crd("workloads.bosun.dev", CrdState.SAME));

  @ParameterizedTest(name = "CLI {0}, operator {1}: warned {2}")
  @CsvSource({
    "0.1.0, 0.1.0, false",
    "0.1.0-SNAPSHOT, 0.1.3, false",
    "0.1.0, 0.2.0, true",
    "0.2.0, 0.1.9, true",
    "1.1.0, 0.1.0, true",
    "development, 0.1.0, true"
  })
  void anOperatorOfAnotherMinorVersionIsWarnedAbout(
      String client, String operator, boolean warned) {
    var report =
        new VersionReport(
            client,
            List.of(new Operator("bosun-system", "bosun-operator", operator, 2, 2)),
            ALL_SAME);

    assertThat(report.warnings()).hasSize(warned ? 1 : 0);
    report.warnings().forEach(w -> assertThat(w).contains(operator).contains(client));
  }

  @Test
  void anOperatorWithoutAVersionLabelIsUnknownAndSaidSo() {
    var report =
        new VersionReport(
            "0.1.0", List.of(new Operator("ops", "bosun-operator", null, 1, 2)), ALL_SAME);

    assertThat(report.warnings()).singleElement().asString().contains("ops/bosun-operator");
    assertThat(report.lines()).contains("Operator:  unknown (ops/bosun-operator, 1/2 ready)");
  }

  @Test
  void missingAndDifferentCrdsAreNamedWithWhatToDo() {
    var report =
        new VersionReport(
            "0.1.0",
            List.of(),
            List.of(
                new Crd("workloads.bosun.dev", CrdState.SAME),
                new Crd("tiers.bosun.dev", CrdState.DIFFERENT),
                new Crd("sandboxes.bosun.dev", CrdState.MISSING)));

    assertThat(report.warnings())
        .containsExactly(
            "CRDs not installed: sandboxes.bosun.dev" + upgradeHint(),
            "CRDs whose schema differs from this CLI's 0.1.0: tiers.bosun.dev" + upgradeHint());
    assertThat(report.lines()).contains("CRDs:      1 of 3 as this CLI has them; see below");
    assertThat(report.lines().get(1)).contains("no Deployment labelled");
  }

  private static String upgradeHint() {
    return " (helm upgrade does not touch CRDs: apply them with kubectl apply --server-side -f"
        + " deploy/crds/ from the release that matches the operator)";
  }

  @Test
  void aCrdIsTheSameOnlyWithEveryVersionAndTheSameSchema() throws Exception {
    CustomResourceDefinition shipped = workloadCrd();

    assertThat(VersionCommand.compare(shipped, null)).isEqualTo(CrdState.MISSING);
    assertThat(VersionCommand.compare(shipped, workloadCrd())).isEqualTo(CrdState.SAME);

    CustomResourceDefinition older = workloadCrd();
    JSONSchemaProps spec =
        older
            .getSpec()
            .getVersions()
            .getFirst()
            .getSchema()
            .getOpenAPIV3Schema()
            .getProperties()
            .get("spec");
    spec.getProperties().remove("replicas");
    assertThat(VersionCommand.compare(shipped, older)).isEqualTo(CrdState.DIFFERENT);

    CustomResourceDefinition renamed = workloadCrd();
    renamed.getSpec().getVersions().getFirst().setName("v1alpha2");
    assertThat(VersionCommand.compare(shipped, renamed)).isEqualTo(CrdState.DIFFERENT);
  }

  private static CustomResourceDefinition workloadCrd() throws Exception {
    try (InputStream in =
        VersionReportTest.class.getResourceAsStream(
            "/dev/bosun/api/crds/workloads.bosun.dev-v1.yml")) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
  }
}
