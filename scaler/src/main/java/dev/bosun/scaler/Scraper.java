package dev.bosun.scaler;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * Reads one pod's {@code /metrics} over HTTP (a Workload pod's server or a node's agent), through
 * the {@link PodNetwork}; at most {@link Exposition#MAX_BODY_CHARS} bytes of body are read. Every
 * failure is a {@link Signal.PodScrape.Failed} saying why, never an exception: one bad pod never
 * stops the loop.
 */
final class Scraper {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final PodNetwork network;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .executor(Executors.newVirtualThreadPerTaskExecutor())
          .build();

  Scraper(PodNetwork network) {
    this.network = network;
  }

  /** The series named {@code wanted} in the pod's {@code /metrics}. */
  Signal.PodScrape scrape(PodAddress pod, Set<String> wanted) throws InterruptedException {
    String where = pod.ip() + ":" + pod.port();
    try {
      InetSocketAddress address = network.address(pod.ip(), pod.port());
      String host = address.getAddress().getHostAddress();
      URI uri =
          URI.create(
              "http://"
                  + (host.contains(":") ? "[" + host + "]" : host)
                  + ":"
                  + address.getPort()
                  + "/metrics");
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          return new Signal.PodScrape.Failed(where + " answered " + response.statusCode());
        }
        byte[] bytes = body.readNBytes(Exposition.MAX_BODY_CHARS + 1);
        return new Signal.PodScrape.Read(
            Exposition.parse(new String(bytes, StandardCharsets.UTF_8), wanted));
      }
    } catch (IOException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Signal.PodScrape.Failed(
          where + ": " + message.lines().findFirst().orElse("no detail"));
    }
  }
}
