package dev.bosun.agent;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * The few HTTP requests the agent makes, on the JDK's own HTTP client. fabric8's {@link Config}
 * still finds the cluster and the credentials (kubeconfig, in-cluster service account, client
 * certificates, exec plugins resolved at load); the requests themselves skip fabric8's client,
 * whose Vert.x and Netty stack costs a DaemonSet pod some 40 MiB of resident memory for four kinds
 * of request a minute (see docs/benchmarks.md).
 *
 * <p>A projected service-account token rotates; it is read from its file again every minute.
 */
final class KubeApi {

  /** A response: the status code and the body. */
  record Response(int code, String body) {
    boolean ok() {
      return code >= 200 && code < 300;
    }
  }

  static final Path SERVICE_ACCOUNT_TOKEN = Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH);
  private static final Duration TOKEN_REREAD = Duration.ofMinutes(1);

  private final Config config;
  private final HttpClient http;
  private final String base;
  private final boolean tokenFromFile;
  private String token;
  private Instant tokenReadAt = Instant.MIN;

  KubeApi(Config config) {
    this.config = config;
    String url = config.getMasterUrl();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            // One thread for the client's own work: the agent sends one request at a time.
            .executor(
                Executors.newSingleThreadExecutor(
                    r -> Thread.ofPlatform().daemon().name("bosun-agent-kube").unstarted(r)));
    if (base.startsWith("https:")) {
      try {
        b.sslContext(SSLUtils.sslContext(config));
      } catch (Exception e) {
        throw new IllegalArgumentException(
            "cannot set up TLS to " + base + " from the kubeconfig: " + AgentMain.describe(e), e);
      }
    }
    this.http = b.build();
    String configured =
        config.getOauthToken() != null ? config.getOauthToken() : config.getAutoOAuthToken();
    this.tokenFromFile =
        configured != null
            && Files.isReadable(SERVICE_ACCOUNT_TOKEN)
            && configured.equals(readTokenFile());
    this.token = configured;
  }

  String masterUrl() {
    return base;
  }

  Response get(String path) {
    return send(request(path).GET());
  }

  /** A response whose body is read line by line as it comes (a watch); closing it ends it. */
  record Lines(int code, Stream<String> lines) implements AutoCloseable {
    @Override
    public void close() {
      lines.close();
    }
  }

  /**
   * A GET answered as a stream of lines, such as a watch; {@code wait} is how long the server may
   * take to end it, so the request's own timeout is longer.
   */
  Lines getLines(String path, Duration wait) {
    HttpResponse<Stream<String>> r =
        exchange(
            request(path).timeout(wait.plusSeconds(30)).GET(), HttpResponse.BodyHandlers.ofLines());
    return new Lines(r.statusCode(), r.body());
  }

  Response patch(String path, String contentType, String body) {
    return send(
        request(path)
            .header("Content-Type", contentType)
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", "application/json")
            .header("User-Agent", "bosun-agent");
    String bearer = bearer();
    if (bearer != null) r.header("Authorization", "Bearer " + bearer);
    return r;
  }

  private synchronized String bearer() {
    if (config.getOauthTokenProvider() != null) return config.getOauthTokenProvider().getToken();
    if (tokenFromFile && Instant.now().isAfter(tokenReadAt.plus(TOKEN_REREAD))) {
      String fresh = readTokenFile();
      if (fresh != null) token = fresh;
      tokenReadAt = Instant.now();
    }
    return token;
  }

  private static String readTokenFile() {
    try {
      return Files.readString(SERVICE_ACCOUNT_TOKEN).strip();
    } catch (IOException e) {
      return null;
    }
  }

  private Response send(HttpRequest.Builder request) {
    HttpResponse<String> r =
        exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Response(r.statusCode(), r.body());
  }

  private <T> HttpResponse<T> exchange(
      HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request.build(), body);
    } catch (IOException e) {
      throw new KubePublisher.PublishException(
          "cannot reach the API server at " + base + ": " + AgentMain.describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubePublisher.PublishException("interrupted", e);
    }
  }
}
