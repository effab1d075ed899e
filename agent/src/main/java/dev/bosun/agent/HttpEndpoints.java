package dev.bosun.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bosun.gpu.metrics.PrometheusText;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code /metrics} and {@code /healthz} on the JDK's own HTTP server: one thread, no framework, a
 * few hundred kilobytes of heap, which is what a DaemonSet on every GPU node can afford. Metrics
 * are rendered when scraped, from the agent's latest state, not every sample.
 */
final class HttpEndpoints implements AutoCloseable {

  /**
   * What /healthz says: 503 and {@code problem} when the agent is not healthy (a restart may help),
   * else 200; either way the {@code warnings}, what works only in part (a restart would not help).
   */
  record Health(String problem, List<String> warnings) {
    public Health {
      warnings = List.copyOf(warnings);
    }

    String body() {
      StringBuilder body =
          new StringBuilder(problem != null ? problem : warnings.isEmpty() ? "ok" : "degraded");
      body.append('\n');
      for (String w : warnings) body.append(w).append('\n');
      return body.toString();
    }
  }

  private final HttpServer server;

  HttpEndpoints(InetSocketAddress address, Supplier<String> metrics, Supplier<Health> health)
      throws IOException {
    server = HttpServer.create(address, 16);
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("bosun-agent-http").unstarted(r)));
    server.createContext(
        "/metrics",
        exchange -> {
          if (!allowed(exchange)) return;
          respond(exchange, 200, PrometheusText.CONTENT_TYPE, metrics.get());
        });
    server.createContext(
        "/healthz",
        exchange -> {
          if (!allowed(exchange)) return;
          Health now = health.get();
          respond(
              exchange, now.problem() == null ? 200 : 503, "text/plain; charset=utf-8", now.body());
        });
    server.createContext(
        "/",
        exchange ->
            respond(exchange, 404, "text/plain; charset=utf-8", "try /metrics or /healthz\n"));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static boolean allowed(HttpExchange exchange) throws IOException {
    String m = exchange.getRequestMethod();
    if (m.equals("GET") || m.equals("HEAD")) return true;
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    respond(exchange, 405, "text/plain; charset=utf-8", "GET only\n");
    return false;
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }
}
