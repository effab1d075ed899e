package dev.bosun.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/ and the chart are two ways to install one thing, so this keeps them equal: the chart
 * rendered with its default values holds exactly the objects of {@code kubectl apply -k deploy/},
 * field for field, once the chart's own labels are set aside and images are compared by repository
 * (deploy/ names a tag, the chart a digest); and the chart's crds/ are deploy/crds/ byte for byte.
 * When it fails, change both (the tiers and the GpuHealthPolicy are values in the chart:
 * values.yaml).
 */
class ChartMatchesDeployTest {

  static final Path DEPLOY = Path.of("../deploy");

  /** Labels Helm charts put on every object; deploy/ has no release to name. */
  static final List<String> CHART_LABELS =
      List.of("helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/instance");

  static Helm helm;

  @BeforeAll
  static void findHelm() {
    helm = Helm.find();
  }

  @Test
  void defaultValuesRenderExactlyTheObjectsOfDeploy() {
    Map<String, JsonNode> chart = byKey(Manifests.parse(helm.template()));
    Map<String, JsonNode> deploy = byKey(Manifests.kustomization(DEPLOY));
    deploy.keySet().removeIf(key -> key.startsWith("CustomResourceDefinition/"));

    assertThat(chart.keySet()).containsExactlyInAnyOrderElementsOf(deploy.keySet());
    deploy.forEach(
        (key, expected) ->
            assertThat(chart.get(key))
                .as("%s rendered by the chart, against deploy/", key)
                .isEqualTo(expected));
  }

  @Test
  void chartCrdsAreDeployCrds() throws IOException {
    List<String> names = fileNames(DEPLOY.resolve("crds"));
    assertThat(fileNames(Helm.CHART.resolve("crds"))).containsExactlyElementsOf(names);
    for (String name : names) {
      assertThat(Files.readString(Helm.CHART.resolve("crds").resolve(name)))
          .as("deploy/helm/bosun/crds/%s: run ./mvnw -pl api process-classes -Pupdate-crds", name)
          .isEqualTo(Files.readString(DEPLOY.resolve("crds").resolve(name)));
    }
  }

  private static Map<String, JsonNode> byKey(List<ObjectNode> objects) {
    var byKey = new TreeMap<String, JsonNode>();
    for (ObjectNode object : objects) {
      assertThat(byKey.put(Manifests.key(object), normalised(object)))
          .as("%s appears once", Manifests.key(object))
          .isNull();
    }
    return byKey;
  }

  /** Without the chart's labels, and with each container's image as its repository. */
  static ObjectNode normalised(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    if (copy.path("metadata").path("labels") instanceof ObjectNode labels) {
      labels.remove(CHART_LABELS);
      if (labels.isEmpty()) {
        ((ObjectNode) copy.get("metadata")).remove("labels");
      }
    }
    for (JsonNode container : copy.path("spec").path("template").path("spec").path("containers")) {
      ((ObjectNode) container).put("image", repository(container.path("image").asText()));
    }
    return copy;
  }

  /** {@code host:port/name@sha256:...} or {@code host:port/name:tag} to {@code host:port/name}. */
  static String repository(String image) {
    int at = image.indexOf('@');
    String named = at < 0 ? image : image.substring(0, at);
    int colon = named.lastIndexOf(':');
    return colon > named.lastIndexOf('/') ? named.substring(0, colon) : named;
  }

  private static List<String> fileNames(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }
}
