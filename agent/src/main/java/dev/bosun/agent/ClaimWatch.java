package dev.bosun.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.gpu.metrics.GpuHolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The DRA edge of {@link GpuHolders}: a list-then-watch of ResourceClaims (resource.k8s.io/v1) on a
 * thread of its own, keeping only the claims allocated on this node ({@link ClaimAttribution},
 * pure, decides), plus a read of the node's ResourceSlices for the devices' UUIDs. The API server
 * offers no field selector on a claim's allocation, so the watch sees every claim of the cluster
 * and drops the others' at once; what it keeps is a node's worth. A watch that ends is resumed from
 * the last resource version; an expired one (410) lists again; a failure lists again after a
 * back-off (1 s doubling to 30 s), keeping what was known meanwhile.
 *
 * <p>It shares the agent's HTTP client: a watch's lines are queued by the client as they come and
 * read on this thread, so a watch held open does not hold up the status writes, and a second client
 * would cost the node two threads and some 4 MiB (docs/benchmarks.md, "Agent footprint").
 */
final class ClaimWatch implements GpuHolders {

  static final String CLAIMS = "/apis/resource.k8s.io/v1/resourceclaims";
  static final String SLICES = "/apis/resource.k8s.io/v1/resourceslices";

  /** Claims read per page when listing: the API server's pages, never the whole cluster at once. */
  static final int PAGE = 500;

  /** How long the API server holds a watch open before the agent resumes it. */
  static final Duration WATCH_FOR = Duration.ofMinutes(4);

  private static final Duration SLICES_AGAIN_AFTER = Duration.ofSeconds(5);
  private static final Duration FIRST_BACK_OFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACK_OFF = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubeApi api;
  private final String node;
  private final Clock clock;
  private final Consumer<String> log;
  private final Thread thread;

  // The watch thread only.
  private final Map<String, ClaimAttribution.NodeClaim> claims = new HashMap<>();
  private Map<String, String> uuidByDevice = Map.of();
  private Instant slicesReadAt = Instant.MIN;
  private String problem;

  // Written by the watch thread, read by the loop.
  private volatile Map<String, List<GpuHolder>> current = Map.of();
  private volatile KubeApi.Lines open;
  private volatile boolean closed;

  private ClaimWatch(KubeApi api, String node, Clock clock, Consumer<String> log) {
    this.api = api;
    this.node = node;
    this.clock = clock;
    this.log = log;
    this.thread = Thread.ofPlatform().daemon().name("bosun-agent-claims").unstarted(this::run);
  }

  /** Starts following the claims allocated on {@code node}. */
  static ClaimWatch start(KubeApi api, String node, Clock clock, Consumer<String> log) {
    ClaimWatch watch = new ClaimWatch(api, node, clock, log);
    watch.thread.start();
    return watch;
  }

  @Override
  public Map<String, List<GpuHolder>> current() {
    return current;
  }

  private void run() {
    Duration backOff = FIRST_BACK_OFF;
    while (!closed) {
      try {
        String version = list();
        if (problem != null) log.accept("following ResourceClaims again");
        problem = null;
        backOff = FIRST_BACK_OFF;
        while (!closed && version != null) version = watch(version);
      } catch (RuntimeException | IOException e) {
        if (closed) return;
        String now = AgentMain.describe(e);
        if (!now.equals(problem))
          log.accept(
              "cannot follow ResourceClaims ("
                  + now
                  + "); keeping the GPUs' holders as known, trying again");
        problem = now;
        try {
          Thread.sleep(backOff);
        } catch (InterruptedException stop) {
          return;
        }
        backOff =
            backOff.multipliedBy(2).compareTo(MAX_BACK_OFF) > 0
                ? MAX_BACK_OFF
                : backOff.multipliedBy(2);
      }
    }
  }

  /** Lists every claim, page by page, keeping this node's; returns the list's resource version. */
  private String list() throws IOException {
    claims.clear();
    String next = null;
    String version;
    do {
      JsonNode page =
          read(CLAIMS + "?limit=" + PAGE + (next == null ? "" : "&continue=" + encode(next)));
      for (JsonNode claim : page.path("items")) keep(claim);
      version = page.path("metadata").path("resourceVersion").asText();
      next = page.path("metadata").path("continue").asText("");
    } while (!next.isEmpty());
    readSlices();
    publish();
    return version;
  }

  /**
   * One watch from {@code version}: applies each event as it comes; returns the version to resume
   * from, or {@code null} when it expired and a new list is needed.
   */
  private String watch(String version) throws IOException {
    String path =
        CLAIMS
            + "?watch=1&allowWatchBookmarks=true&resourceVersion="
            + encode(version)
            + "&timeoutSeconds="
            + WATCH_FOR.toSeconds();
    try (KubeApi.Lines lines = api.getLines(path, WATCH_FOR)) {
      open = lines;
      if (lines.code() == 410) return null;
      if (lines.code() / 100 != 2) throw new IOException("watch " + CLAIMS + ": " + lines.code());
      Iterator<String> it = lines.lines().iterator();
      while (!closed && it.hasNext()) {
        JsonNode event = parse(it.next());
        JsonNode object = event.path("object");
        switch (event.path("type").asText()) {
          case "ADDED", "MODIFIED" -> keep(object);
          case "DELETED" -> claims.remove(key(object));
          case "BOOKMARK" -> {}
          case "ERROR" -> {
            if (object.path("code").asInt() == 410) return null;
            throw new IOException("watch " + CLAIMS + ": " + object.path("message").asText());
          }
          default ->
              throw new IOException("watch " + CLAIMS + ": unknown event " + event.path("type"));
        }
        String at = object.path("metadata").path("resourceVersion").asText("");
        if (!at.isEmpty()) version = at;
        if (!event.path("type").asText().equals("BOOKMARK")) publish();
      }
      return version;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      open = null;
    }
  }

  private void keep(JsonNode claim) {
    ClaimAttribution.onNode(claim, node)
        .ifPresentOrElse(c -> claims.put(key(claim), c), () -> claims.remove(key(claim)));
  }

  private static String key(JsonNode claim) {
    JsonNode meta = claim.path("metadata");
    return meta.path("namespace").asText() + "/" + meta.path("name").asText();
  }

  private void publish() throws IOException {
    if (ClaimAttribution.unknownDevices(claims.values(), uuidByDevice)
        && !clock.instant().isBefore(slicesReadAt.plus(SLICES_AGAIN_AFTER))) readSlices();
    current = ClaimAttribution.holders(claims.values(), uuidByDevice);
  }

  private void readSlices() throws IOException {
    slicesReadAt = clock.instant();
    uuidByDevice =
        ClaimAttribution.uuidByDevice(
            read(
                SLICES
                    + "?fieldSelector="
                    + encode("spec.nodeName=" + node + ",spec.driver=" + FleetDiscovery.DRIVER)),
            node);
  }

  private JsonNode read(String path) throws IOException {
    KubeApi.Response r = api.get(path);
    if (!r.ok()) throw new IOException("GET " + path + ": " + r.code());
    return parse(r.body());
  }

  private static JsonNode parse(String json) throws IOException {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IOException("not JSON from the API server: " + e.getOriginalMessage(), e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    closed = true;
    KubeApi.Lines lines = open;
    if (lines != null) lines.close();
    thread.interrupt();
  }
}
