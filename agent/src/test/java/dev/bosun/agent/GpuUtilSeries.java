package dev.bosun.agent;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** The {@code DCGM_FI_DEV_GPU_UTIL} series an agent serves, read from its /metrics. */
final class GpuUtilSeries {
  private GpuUtilSeries() {}

  /** The series of the agent listening on loopback {@code port}. */
  static List<PrometheusParser.Sample> at(int port) throws Exception {
    try (var http = HttpClient.newHttpClient()) {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return PrometheusParser.parse(body).stream()
          .filter(s -> s.name().equals("DCGM_FI_DEV_GPU_UTIL"))
          .toList();
    }
  }
}
