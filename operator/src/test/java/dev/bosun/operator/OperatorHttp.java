package dev.bosun.operator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A running operator's /metrics and /healthz, read the way Prometheus and a kubelet read them. */
final class OperatorHttp {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private OperatorHttp() {}

  static HttpResponse<String> get(OperatorMain operator, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A metric summed over all its series (controllers, resources), e.g. {@code operator_sdk_reconciliations_started_total}. */
  static double sum(OperatorMain operator, String metric) throws IOException, InterruptedException {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(?:\\{[^}]*\\})? ([0-9.eE+]+)$")
        .matcher(get(operator, "/metrics").body());
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }
}
