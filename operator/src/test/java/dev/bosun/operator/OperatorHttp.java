package dev.bosun.operator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A running operator's /metrics and /healthz, read the way Prometheus and a kubelet read them. */
final class OperatorHttp {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private OperatorHttp() {}

  /** One series of a metric in the Prometheus text format: its labels and its value. */
  record Sample(Map<String, String> labels, double value) {}

  static HttpResponse<String> get(OperatorMain operator, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A metric summed over all its series (controllers, resources), e.g. {@code
   * operator_sdk_reconciliations_started_total}.
   */
  static double sum(OperatorMain operator, String metric) throws IOException, InterruptedException {
    return samples(get(operator, "/metrics").body(), metric).stream()
        .mapToDouble(Sample::value)
        .sum();
  }

  /**
   * Every series of {@code metric} in a Prometheus text exposition (the operator's, or the API
   * server's).
   */
  static List<Sample> samples(String exposition, String metric) {
    Matcher line =
        Pattern.compile("(?m)^" + Pattern.quote(metric) + "(?:\\{([^}]*)\\})? ([0-9.eE+]+)$")
            .matcher(exposition);
    List<Sample> samples = new ArrayList<>();
    while (line.find()) {
      Map<String, String> labels = new HashMap<>();
      Matcher label = LABEL.matcher(line.group(1) == null ? "" : line.group(1));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
      samples.add(new Sample(labels, Double.parseDouble(line.group(2))));
    }
    return samples;
  }
}
