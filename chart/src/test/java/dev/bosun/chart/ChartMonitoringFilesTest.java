package dev.bosun.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Helm reads only files inside the chart, so the chart carries copies of deploy/monitoring's
 * dashboards and rule groups; this keeps the copies equal to their source:
 * deploy/monitoring/dashboards/NAME.json is files/dashboards/NAME.json, and
 * deploy/monitoring/prometheus-rules.yaml is files/prometheus-rules.yaml.
 */
class ChartMonitoringFilesTest {

  static final Path SOURCE = Path.of("../deploy/monitoring");
  static final Path COPIES = Helm.CHART.resolve("files");
  static final String FIX =
      "copy deploy/monitoring/dashboards/*.json to deploy/helm/bosun/files/dashboards/ (and no"
          + " other file) and deploy/monitoring/prometheus-rules.yaml to"
          + " deploy/helm/bosun/files/prometheus-rules.yaml";

  @Test
  void theChartsDashboardsAndRulesAreDeployMonitorings() throws IOException {
    List<String> dashboards = jsonFiles(SOURCE.resolve("dashboards"));
    assertThat(jsonFiles(COPIES.resolve("dashboards"))).as(FIX).isEqualTo(dashboards);
    for (String name : dashboards) {
      assertThat(Files.readString(COPIES.resolve("dashboards").resolve(name)))
          .as(FIX)
          .isEqualTo(Files.readString(SOURCE.resolve("dashboards").resolve(name)));
    }
    assertThat(Files.readString(COPIES.resolve("prometheus-rules.yaml")))
        .as(FIX)
        .isEqualTo(Files.readString(SOURCE.resolve("prometheus-rules.yaml")));
  }

  private static List<String> jsonFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".json"))
          .sorted()
          .toList();
    }
  }
}
