package dev.bosun.cli.dev;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.api.v1alpha1.Patterns;
import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.cli.sandbox.SandboxCommand;
import dev.bosun.gpu.ExitCodes;
import dev.bosun.localcluster.K8sBinaries;
import dev.bosun.localcluster.LoadGenerator;
import dev.bosun.localcluster.LoadSecond;
import dev.bosun.localcluster.LocalCluster;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bosun dev load}: open-loop load on an Inference Workload through the router's workload
 * route, or straight at one server with {@code --url}; per-second lines and a summary.
 */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = {
      "Send requests to an Inference Workload at a fixed rate, whatever the answers (open loop),"
          + " and print each second's requests sent, skipped (more than --max-in-flight"
          + " unanswered), answered 2xx, 503 and otherwise, with p50 and p99 latency, then a"
          + " summary.",
      "Requests go to the router (<home>/router-url, written by `bosun dev router`) at"
          + " /workloads/<namespace>/<workload><path>; the stand-in model servers"
          + " (`bosun dev model-servers`) are started first if they do not run. --url sends to"
          + " <url><path> instead, such as one stand-in's loopback address."
    })
public final class LoadCommand implements Callable<Integer> {

  private static final Pattern DNS_LABEL = Pattern.compile(Patterns.DNS_LABEL);
  private static final int MAX_NAME = 63;
  private static final Pattern HTTP_PATH = Pattern.compile(Patterns.HTTP_PATH);

  /** How {@code -o} prints. */
  enum Output {
    text,
    json
  }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "WORKLOAD", description = "The Inference Workload.")
  String workload;

  @Option(
      names = {"-n", "--namespace"},
      defaultValue = "default",
      paramLabel = "NAMESPACE",
      description = "The Workload's namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(
      names = "--rps",
      required = true,
      paramLabel = "N",
      description = "Requests started per second, 1 to " + LoadGenerator.MAX_RPS + ".")
  int rps;

  @Option(
      names = "--duration",
      defaultValue = "30s",
      converter = SandboxCommand.DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "How long to send, such as 90s or 10m, at most 60m (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--path",
      defaultValue = "/v1/completions",
      paramLabel = "PATH",
      description = "The path requests are POSTed to (default: ${DEFAULT-VALUE}).")
  String path;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Send to <url><path> instead of the router's workload route, such as"
              + " http://127.0.0.1:PORT for one stand-in server.")
  String url;

  @Option(
      names = "--max-in-flight",
      defaultValue = "1000",
      paramLabel = "N",
      description =
          "Requests unanswered at once; past it a request is skipped and counted, 1 to "
              + LoadGenerator.MAX_IN_FLIGHT
              + " (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      paramLabel = "FORMAT",
      description =
          "text, a line a second, or json, one document at the end (default: ${DEFAULT-VALUE}).")
  Output output;

  @Override
  public Integer call() throws InterruptedException, JsonProcessingException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<String> invalid =
        invalidName("WORKLOAD", workload)
            .or(() -> invalidName("--namespace", namespace))
            .or(
                () ->
                    validPath(path)
                        ? Optional.empty()
                        : Optional.of(
                            "--path: "
                                + Patterns.DESCRIPTIONS.get(Patterns.HTTP_PATH)
                                + ", got '"
                                + path
                                + "'"));
    if (invalid.isPresent()) {
      err.println(invalid.get());
      return ExitCodes.INVALID_INPUT;
    }
    String body =
        "{\"model\":\"" + workload + "\",\"prompt\":\"bosun dev load\",\"max_tokens\":16}";
    LoadGenerator.Settings settings;
    Optional<URI> direct;
    try {
      settings = new LoadGenerator.Settings(body, rps, duration, maxInFlight);
      direct = Optional.ofNullable(url).map(base -> directTarget(base, path));
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    URI target;
    if (direct.isPresent()) {
      target = direct.get();
    } else {
      // Through the router: it dials the pods through the pod network, which the stand-ins fill.
      Optional<String> router = SandboxCommand.localRouter();
      if (router.isEmpty()) {
        err.println(
            "No router runs on the local cluster: start it with `bosun dev router`, or send"
                + " straight to a server with --url.");
        return ExitCodes.UNAVAILABLE;
      }
      int started = ModelServersCommand.SERVICE.startInBackground(err);
      if (started != ExitCodes.OK) {
        return started;
      }
      // The router lets in callers the cluster allows workloads/proxy, as a user's traffic.
      var cluster = K8sBinaries.cached().map(LocalCluster::atDefaultHome);
      if (cluster.isEmpty()) {
        err.println("The local cluster is not running: start it with `bosun dev up`.");
        return ExitCodes.UNAVAILABLE;
      }
      try {
        String token = LoadCaller.token(cluster.get(), namespace, duration);
        settings = settings.withBearerToken(token);
      } catch (IllegalStateException e) {
        err.println(e.getMessage());
        return ExitCodes.UNAVAILABLE;
      }
      target =
          URI.create(
              router.get() + Scaling.ROUTER_WORKLOAD_PREFIX + namespace + "/" + workload + path);
    }
    err.printf("Sending %d requests a second for %ds to %s%n", rps, duration.toSeconds(), target);
    err.flush();
    LoadGenerator.Report report;
    try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      report =
          LoadGenerator.run(
              http,
              target,
              settings,
              second -> {
                if (output == Output.text) {
                  out.println(second.line(second.second() + "s"));
                  out.flush();
                }
              });
    }
    if (output == Output.json) {
      out.println(json(target, report));
    } else {
      out.println(report.total().line("total"));
    }
    return ExitCodes.OK;
  }

  /** An HTTP path that makes a URI after any base. */
  private static boolean validPath(String path) {
    try {
      return HTTP_PATH.matcher(path).matches() && new URI("http://127.0.0.1" + path) != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static Optional<String> invalidName(String flag, String name) {
    if (DNS_LABEL.matcher(name).matches() && name.length() <= MAX_NAME) {
      return Optional.empty();
    }
    return Optional.of(
        flag
            + ": "
            + Patterns.DESCRIPTIONS.get(Patterns.DNS_LABEL)
            + ", at most "
            + MAX_NAME
            + " characters, got '"
            + name
            + "'");
  }

  /** {@code <url><path>}: {@code url} must be http or https with a host. */
  static URI directTarget(String url, String path) {
    URI base;
    try {
      base = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--url: not a URL: " + e.getMessage(), e);
    }
    if (!("http".equals(base.getScheme()) || "https".equals(base.getScheme()))
        || base.getHost() == null) {
      throw new IllegalArgumentException(
          "--url: must be an http or https URL with a host, such as http://127.0.0.1:8000, got '"
              + url
              + "'");
    }
    return URI.create((url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + path);
  }

  private static String json(URI target, LoadGenerator.Report report)
      throws JsonProcessingException {
    var document = new LinkedHashMap<String, Object>();
    document.put("target", target.toString());
    document.put("seconds", report.seconds().stream().map(LoadCommand::json).toList());
    document.put("total", json(report.total()));
    return new ObjectMapper().writeValueAsString(document);
  }

  private static Map<String, Object> json(LoadSecond second) {
    var object = new LinkedHashMap<String, Object>();
    object.put("second", second.second());
    object.put("sent", second.sent());
    object.put("skipped", second.skipped());
    object.put("ok", second.ok());
    object.put("unavailable", second.unavailable());
    object.put("errors", second.errors());
    object.put("p50Millis", second.p50().map(Duration::toMillis).orElse(null));
    object.put("p99Millis", second.p99().map(Duration::toMillis).orElse(null));
    return object;
  }
}
