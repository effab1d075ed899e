package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bosun.localcluster.ToolBinary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and alerts in {@code deploy/monitoring}, checked with promtool (built by {@code
 * hack/build-tools.sh}): the alert rules are valid and pass their unit tests on the series recorded
 * from the local cluster ({@code hack/record-metrics.sh}), the PrometheusRule carries the same
 * groups, every dashboard query parses, and every metric either names is one the recording holds.
 */
class MonitoringFilesTest {
  private static final Path MONITORING = Path.of("..", "deploy", "monitoring");
  private static final Path RULES = MONITORING.resolve("prometheus-rules.yaml");
  private static final Path PROMETHEUS_RULE = MONITORING.resolve("prometheus-rule.yaml");
  private static final Path ALERT_TESTS = MONITORING.resolve("tests/alerts.test.yaml");
  private static final Path ALERT_CASES = MONITORING.resolve("tests/alert-cases.yaml");
  private static final Path DASHBOARD = MONITORING.resolve("dashboards/bosun-fleet.json");
  private static final Path RUNBOOKS = Path.of("..", "docs", "runbooks.md");
  private static final YAMLMapper YAML = new YAMLMapper();

  /** A metric name in PromQL: an identifier not called as a function and not a keyword. */
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![\\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "Inf",
          "NaN");

  private static Path promtool;

  @BeforeAll
  static void buildPromtool() {
    promtool = ToolBinary.PROMTOOL.ensureBuilt(System.out::println);
  }

  @Test
  void theAlertRulesAreValid() throws Exception {
    assertThat(promtool("check", "rules", RULES.toString())).isEmpty();
  }

  @Test
  void theAlertsFireOnTheRecordedFaultsAndNotOnTheHealthyFleet() throws Exception {
    assertThat(promtool("test", "rules", ALERT_TESTS.toString())).isEmpty();
  }

  @Test
  void theTestFileCarriesTheCurrentCases() throws IOException {
    assertThat(Files.readString(ALERT_TESTS))
        .as("regenerate with hack/record-metrics.sh --convert-only")
        .endsWith(Files.readString(ALERT_CASES));
  }

  @Test
  void thePrometheusRuleCarriesExactlyTheRuleGroups() throws IOException {
    JsonNode rule = YAML.readTree(PROMETHEUS_RULE.toFile());
    assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(rule.path("spec"))
        .as("regenerate with hack/record-metrics.sh --convert-only")
        .isEqualTo(YAML.readTree(RULES.toFile()));
  }

  @Test
  void everyAlertHasASeverityARunbookSectionAndCasesThatFireAndDoNot() throws IOException {
    String runbooks = Files.readString(RUNBOOKS);
    JsonNode cases = YAML.readTree(ALERT_TESTS.toFile()).path("tests").path(0);
    for (JsonNode alert : alerts()) {
      String name = alert.path("alert").asText();
      assertThat(alert.path("labels").path("severity").asText())
          .as(name + " severity")
          .isIn("critical", "warning", "info");
      assertThat(alert.path("annotations").path("summary").asText()).as(name).isNotBlank();
      assertThat(alert.path("annotations").path("description").asText()).as(name).isNotBlank();
      assertThat(alert.path("annotations").path("runbook").asText())
          .isEqualTo("docs/runbooks.md#" + name.toLowerCase());
      assertThat(runbooks).as("docs/runbooks.md has a section for " + name).contains("## " + name);
      List<Integer> expected = new ArrayList<>();
      for (JsonNode c : cases.path("alert_rule_test")) {
        if (c.path("alertname").asText().equals(name)) expected.add(c.path("exp_alerts").size());
      }
      assertThat(expected).as(name + ": a case where it fires").anyMatch(n -> n > 0);
      assertThat(expected).as(name + ": a case where it does not").contains(0);
    }
  }

  @Test
  void everyDashboardQueryParses(@TempDir Path dir) throws Exception {
    Map<String, String> queries = dashboardQueries();
    assertThat(queries).isNotEmpty();
    List<Map<String, String>> rules = new ArrayList<>();
    queries.forEach(
        (panel, expr) -> rules.add(Map.of("record", "dashboard:" + panel, "expr", asPromql(expr))));
    Path file = dir.resolve("dashboard-rules.yaml");
    YAML.writeValue(
        file.toFile(), Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules))));
    assertThat(promtool("check", "rules", file.toString())).isEmpty();
  }

  @Test
  void everyMetricTheDashboardAndAlertsNameIsInTheRecording() throws IOException {
    Set<String> recorded = new TreeSet<>();
    for (JsonNode s :
        YAML.readTree(ALERT_TESTS.toFile()).path("tests").path(0).path("input_series"))
      recorded.add(s.path("series").asText().replaceFirst("\\{.*", ""));
    Set<String> named = new TreeSet<>();
    dashboardQueries().values().forEach(q -> named.addAll(metricsIn(asPromql(q))));
    for (JsonNode alert : alerts()) named.addAll(metricsIn(alert.path("expr").asText()));
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      Matcher m =
          Pattern.compile("label_values\\((\\w+),").matcher(variable.path("definition").asText());
      if (m.find()) named.add(m.group(1));
    }
    assertThat(named).isNotEmpty().allMatch(recorded::contains, "recorded in " + ALERT_TESTS);
    // Histograms are named by their family; the recording holds its buckets.
    assertThat(recorded).contains("operator_sdk_controllers_execution_reconcile_seconds_bucket");
  }

  @Test
  void theDashboardTakesItsDataSourceAsAVariable() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    JsonNode first = dashboard.path("templating").path("list").path(0);
    assertThat(first.path("name").asText()).isEqualTo("datasource");
    assertThat(first.path("type").asText()).isEqualTo("datasource");
    assertThat(first.path("query").asText()).isEqualTo("prometheus");
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("type").asText().equals("row")) continue;
      assertThat(panel.path("datasource").path("uid").asText())
          .as(panel.path("title").asText())
          .isEqualTo("${datasource}");
    }
  }

  /** The names of the metrics an expression selects. */
  static Set<String> metricsIn(String promql) {
    String bare =
        promql
            .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", "")
            .replaceAll("\\[[^]]*]", "")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      if (!KEYWORDS.contains(m.group(1))) names.add(m.group(1));
    }
    return names;
  }

  @Test
  void metricsInFindsSelectorsNotFunctionsLabelsOrDurations() {
    assertThat(
            metricsIn(
                "histogram_quantile(0.99, sum by (controller, le) (rate(a_bucket{x=\"y z\"}[5m])))"
                    + " / on (le) b or vector(0) > bool 1"))
        .containsExactly("a_bucket", "b");
  }

  /** Grafana's variables as Prometheus would see them once Grafana replaced them. */
  private static String asPromql(String expr) {
    return expr.replace("$__rate_interval", "5m").replace("$node", ".*");
  }

  private static Map<String, String> dashboardQueries() throws IOException {
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        queries.put(
            "panel_" + panel.path("id").asInt() + "_" + target.path("refId").asText(),
            target.path("expr").asText());
      }
    }
    return queries;
  }

  private static List<JsonNode> alerts() throws IOException {
    List<JsonNode> alerts = new ArrayList<>();
    for (JsonNode group : YAML.readTree(RULES.toFile()).path("groups"))
      for (JsonNode rule : group.path("rules")) if (rule.has("alert")) alerts.add(rule);
    assertThat(alerts).isNotEmpty();
    return alerts;
  }

  /** Runs promtool; its output when it fails, empty when it succeeds. */
  private static String promtool(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return "promtool did not finish within 5 minutes: " + String.join(" ", command);
    }
    return process.exitValue() == 0 ? "" : String.join(" ", command) + "\n" + output;
  }
}
