package dev.bosun.mcp;

import dev.bosun.mcp.guard.AgentIdentity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The server over streamable HTTP at {@code /mcp}, on an embedded Jetty. A request whose Host or
 * Origin is not this server's is refused with 403 ({@link OriginCheck}); every request must carry
 * {@code Authorization: Bearer TOKEN}, which the API server reviews (TokenReview); the request acts
 * as the token's user, and one without a token, or with one the API server does not know, is
 * refused with 401 before the protocol sees it.
 */
public final class HttpTransport implements AutoCloseable {
  public static final String ENDPOINT = "/mcp";

  /** Who a bearer token belongs to; empty when nobody. */
  @FunctionalInterface
  public interface Authenticator {
    /**
     * @throws KubernetesClientException when the API server cannot say
     */
    Optional<AgentIdentity> agent(String token);
  }

  private final Server jetty;
  private final McpSyncServer running;
  private final ServerConnector connector;

  private HttpTransport(Server jetty, ServerConnector connector, McpSyncServer running) {
    this.jetty = jetty;
    this.connector = connector;
    this.running = running;
  }

  /** Serves on {@code address:port} (port 0: any free one) until closed. */
  public static HttpTransport start(
      BosunMcpServer server, String address, int port, Authenticator authenticator)
      throws Exception {
    var provider =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(McpJsonDefaults.getMapper())
            .mcpEndpoint(ENDPOINT)
            .contextExtractor(
                request ->
                    request.getAttribute(Sessions.AGENT) instanceof AgentIdentity agent
                        ? McpTransportContext.create(Map.of(Sessions.AGENT, agent))
                        : McpTransportContext.EMPTY)
            .build();
    McpSyncServer running = server.build(McpServer.sync(provider));
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(address);
    connector.setPort(port);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ServletHolder servlet = new ServletHolder(provider);
    servlet.setAsyncSupported(true);
    context.addServlet(servlet, ENDPOINT);
    boolean loopback = InetAddress.getByName(address).isLoopbackAddress();
    FilterHolder identity =
        new FilterHolder(new BearerFilter(new OriginCheck(loopback), authenticator));
    identity.setAsyncSupported(true);
    context.addFilter(identity, "/*", EnumSet.of(DispatcherType.REQUEST));
    jetty.setHandler(context);
    jetty.start();
    return new HttpTransport(jetty, connector, running);
  }

  /** The port served, the one chosen when 0 was asked. */
  public int port() {
    return connector.getLocalPort();
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() throws Exception {
    running.closeGracefully();
    jetty.stop();
  }

  /**
   * Host and Origin checked ({@link OriginCheck}: 403), then the bearer token reviewed and the
   * agent put on the request; a refusal says why, with 401 for a missing or unknown token.
   */
  private record BearerFilter(OriginCheck origins, Authenticator authenticator) implements Filter {
    private static final String BEARER = "Bearer ";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      var http = (HttpServletRequest) request;
      var reply = (HttpServletResponse) response;
      Optional<String> foreign = origins.refusal(http.getHeader("Host"), http.getHeader("Origin"));
      if (foreign.isPresent()) {
        refuse(reply, HttpServletResponse.SC_FORBIDDEN, foreign.get());
        return;
      }
      String header = http.getHeader("Authorization");
      if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        refuse(
            reply,
            HttpServletResponse.SC_UNAUTHORIZED,
            "no agent identity: send the agent's Kubernetes token as Authorization: Bearer TOKEN");
        return;
      }
      Optional<AgentIdentity> agent;
      try {
        agent = authenticator.agent(header.substring(BEARER.length()).strip());
      } catch (KubernetesClientException e) {
        refuse(
            reply,
            HttpServletResponse.SC_SERVICE_UNAVAILABLE,
            "the API server could not review the token: " + e.getMessage());
        return;
      }
      if (agent.isEmpty()) {
        refuse(
            reply,
            HttpServletResponse.SC_UNAUTHORIZED,
            "the API server does not authenticate this bearer token (TokenReview)");
        return;
      }
      http.setAttribute(Sessions.AGENT, agent.get());
      chain.doFilter(request, response);
    }

    private static void refuse(HttpServletResponse reply, int status, String message)
        throws IOException {
      reply.setStatus(status);
      if (status == HttpServletResponse.SC_UNAUTHORIZED) {
        reply.setHeader("WWW-Authenticate", "Bearer");
      }
      reply.setContentType("application/json");
      reply
          .getOutputStream()
          .write(
              McpJsonDefaults.getMapper()
                  .writeValueAsString(
                      Map.of("jsonrpc", "2.0", "error", Map.of("code", -32001, "message", message)))
                  .getBytes(StandardCharsets.UTF_8));
    }
  }
}
