package dev.bosun.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code /metrics} in the Prometheus text format and {@code /healthz}, on the JDK's HTTP server.
 */
final class HttpEndpoints implements AutoCloseable {
  private final HttpServer server;

  private HttpEndpoints(HttpServer server) {
    this.server = server;
  }

  static HttpEndpoints start(int port, PrometheusMeterRegistry registry, Operator operator) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/metrics", exchange -> respond(exchange, 200, registry.scrape()));
      // Healthy while the informers are connected; a replica waiting for the Lease is healthy too.
      server.createContext(
          "/healthz",
          exchange -> {
            boolean healthy = operator.getRuntimeInfo().allEventSourcesAreHealthy();
            respond(exchange, healthy ? 200 : 503, healthy ? "ok\n" : "informers unhealthy\n");
          });
      server.start();
      return new HttpEndpoints(server);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on port " + port + " for /metrics and /healthz", e);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    exchange.sendResponseHeaders(code, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
