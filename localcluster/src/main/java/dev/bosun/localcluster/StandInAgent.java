package dev.bosun.localcluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * A small HTTP server on 127.0.0.1 standing in for a sandbox's agent, which a KWOK pod does not
 * run. {@code GET} any path answers JSON with the pod, the sandbox and how many requests the
 * sandbox has served, a counter kept in the file {@value #COUNTER} of its memory volume's
 * directory, so that it survives suspend, resume and pod replacement as the agent's memory would;
 * {@code POST} echoes the path and the body (at most {@link #MAX_BODY} bytes, else 413). WebSocket
 * is not served: the JDK's server cannot hand over the connection.
 */
public final class StandInAgent implements StandInServers.Server {

  /** The largest POST body echoed. */
  public static final int MAX_BODY = LoopbackHttp.MAX_BODY;

  /** The file of the request counter in the memory volume. */
  static final String COUNTER = "requests";

  private final StandInPlan.StandIn standIn;
  private final Optional<Path> memory;
  private final HttpServer server;
  private long inMemoryCount;

  private StandInAgent(StandInPlan.StandIn standIn, Optional<Path> memory, Executor executor) {
    this.standIn = standIn;
    this.memory = memory;
    this.server = LoopbackHttp.serve(standIn.podName(), this::answer, executor);
  }

  /**
   * Serves {@code standIn} on a free loopback port.
   *
   * @param memory the directory of its memory volume, where the counter lives; empty keeps it in
   *     this process only
   */
  public static StandInAgent start(
      StandInPlan.StandIn standIn, Optional<Path> memory, Executor executor) {
    return new StandInAgent(standIn, memory, executor);
  }

  public StandInPlan.StandIn standIn() {
    return standIn;
  }

  /** Where it listens: what the pod network maps the pod's endpoint to. */
  public InetSocketAddress address() {
    return LoopbackHttp.address(server);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try {
      var answer = new LinkedHashMap<String, Object>();
      answer.put("pod", standIn.podName());
      answer.put("sandbox", standIn.sandbox());
      answer.put("path", exchange.getRequestURI().getRawPath());
      switch (exchange.getRequestMethod()) {
        case "GET" -> answer.put("requests", count());
        case "POST" -> {
          Optional<byte[]> body = LoopbackHttp.readBounded(exchange.getRequestBody());
          if (body.isEmpty()) {
            reply(exchange, 413, Map.of("error", "body larger than " + MAX_BODY + " bytes"));
            return;
          }
          answer.put("requests", count());
          answer.put("body", new String(body.get(), StandardCharsets.UTF_8));
        }
        default -> {
          exchange.getResponseHeaders().add("Allow", "GET, POST");
          reply(exchange, 405, Map.of("error", "only GET and POST"));
          return;
        }
      }
      reply(exchange, 200, answer);
    } catch (NumberFormatException e) {
      // Someone wrote the counter by hand: say so rather than start again from zero.
      reply(exchange, 500, Map.of("error", "the counter file " + COUNTER + " is not a number"));
    }
  }

  /** Adds this request to the sandbox's count and returns it. */
  private synchronized long count() throws IOException {
    if (memory.isEmpty()) {
      return ++inMemoryCount;
    }
    Path counter = memory.get().resolve(COUNTER);
    long count = Files.exists(counter) ? Long.parseLong(Files.readString(counter).strip()) + 1 : 1;
    Path temporary = Files.createTempFile(memory.get(), "." + COUNTER, ".tmp");
    Files.writeString(temporary, count + "\n");
    Files.move(
        temporary, counter, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return count;
  }

  private static void reply(HttpExchange exchange, int status, Map<String, ?> body)
      throws IOException {
    LoopbackHttp.replyJson(exchange, status, body);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
