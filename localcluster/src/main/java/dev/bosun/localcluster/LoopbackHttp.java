package dev.bosun.localcluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * What the local cluster's stand-in servers (sandbox agents, model servers) share: the JDK's HTTP
 * server on a free loopback port, bounded request bodies and JSON answers.
 */
final class LoopbackHttp {

  /** The largest request body a stand-in reads. */
  static final int MAX_BODY = 1 << 20;

  /**
   * The most of a too-large body read and dropped before the answer; past it the client is reset.
   */
  static final long MAX_DRAIN = 64L << 20;

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private LoopbackHttp() {}

  /**
   * Serves {@code handler} on every path of a free port of 127.0.0.1, handling requests on {@code
   * executor}; each exchange is closed after its handler returns.
   *
   * @param what whose server it is, for the error: "agent-pod"
   */
  static HttpServer serve(String what, HttpHandler handler, Executor executor) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve " + what, e);
    }
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            handler.handle(exchange);
          }
        });
    server.setExecutor(executor);
    server.start();
    return server;
  }

  /** Where {@code server} listens: what the pod network maps a pod's endpoint to. */
  static InetSocketAddress address(HttpServer server) {
    return new InetSocketAddress("127.0.0.1", server.getAddress().getPort());
  }

  /**
   * The body, unless it is longer than {@link #MAX_BODY} bytes. A longer one is still read to its
   * end, up to {@link #MAX_DRAIN} bytes, and dropped: a socket closed with input unread is reset,
   * and a client still sending (the router, passing a body on) loses the answer that says why.
   */
  static Optional<byte[]> readBounded(InputStream body) throws IOException {
    byte[] read = body.readNBytes(MAX_BODY + 1);
    if (read.length <= MAX_BODY) return Optional.of(read);
    byte[] dropped = new byte[64 * 1024];
    long drained = read.length;
    int n;
    while (drained < MAX_DRAIN && (n = body.read(dropped)) >= 0) drained += n;
    return Optional.empty();
  }

  static String json(Map<String, ?> body) {
    return JSON.asJson(body);
  }

  static void replyJson(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
    reply(exchange, status, "application/json", json(body));
  }

  static void reply(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
