package dev.bosun.agent;

import dev.bosun.api.v1alpha1.GpuNodeHealthSpec;
import dev.bosun.api.v1alpha1.NodeAgents;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The node agent's options, each with its default and its rule in one place. {@link AgentCommand}
 * fills it from the command line (for {@code bosun agent} and for the agent's own main alike); an
 * instance that exists is valid, and a value that is not fails with {@link InvalidOption}, whose
 * message names the option and the reason.
 *
 * @param nodeName the Node to publish for; required
 * @param kubeconfig {@code null}: fabric8's default resolution ($KUBECONFIG, ~/.kube/config,
 *     in-cluster)
 * @param port /metrics and /healthz; 0 picks a free port, -1 serves none (embedding, tests)
 * @param interval the sampling period
 * @param heartbeat the longest time between writes when nothing changes
 * @param simulate GPUs of a simulated H100 node, or {@code null} for the real GPUs
 * @param kmsg a kernel log: /dev/kmsg (or another character device) or a file of kmsg records;
 *     {@code null}: /dev/kmsg on a real node, the simulator's own log when simulating
 * @param stateDir where the kmsg cursor lives; {@code null}: {@link #DEFAULT_STATE_DIR}, or a
 *     temporary directory when simulating
 * @param offline publish nothing to a cluster: /metrics only
 */
public record AgentOptions(
    String nodeName,
    Path kubeconfig,
    int port,
    Duration interval,
    Duration heartbeat,
    Integer simulate,
    Path kmsg,
    Path stateDir,
    boolean offline) {

  /** Where the node name comes from when {@code --node} is absent; the DaemonSet sets it. */
  public static final String NODE_NAME_ENV = "NODE_NAME";

  /** dcgm-exporter's port, so that existing scrape configurations find the agent. */
  public static final String DEFAULT_PORT = "" + NodeAgents.METRICS_PORT;

  public static final String DEFAULT_INTERVAL = "1s";
  public static final String DEFAULT_HEARTBEAT = "60s";

  /**
   * The kubelet's pod-resources API, read when it exists (device-plugin nodes); the DaemonSet
   * mounts its directory read-only.
   */
  static final Path POD_RESOURCES_SOCKET = Path.of("/var/lib/kubelet/pod-resources/kubelet.sock");

  /** Where the kernel-log cursor is kept on a real node (a hostPath in the DaemonSet). */
  public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/bosun-agent");

  static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  static final int MAX_SIMULATED_GPUS = 64;
  private static final int MAX_NODE_NAME = 253;

  public AgentOptions {
    if (nodeName == null || nodeName.isBlank()) {
      throw new InvalidOption(
          "--node",
          "no node name: pass --node NAME or set "
              + NODE_NAME_ENV
              + " (the DaemonSet sets it from spec.nodeName)");
    }
    if (nodeName.length() > MAX_NODE_NAME || !nodeName.matches(GpuNodeHealthSpec.NODE_NAME)) {
      throw new InvalidOption(
          "--node",
          "'"
              + nodeName
              + "' is not a valid node name (a lower-case DNS subdomain of at most "
              + MAX_NODE_NAME
              + " characters)");
    }
    if (port < -1 || port > 65535) {
      throw new InvalidOption("--port", port + " is not a port (0 to 65535; 0 picks a free one)");
    }
    if (interval == null || interval.compareTo(MIN_INTERVAL) < 0) {
      throw new InvalidOption(
          "--interval", "must be at least " + millis(MIN_INTERVAL) + ", not " + millis(interval));
    }
    if (heartbeat == null || heartbeat.compareTo(interval) < 0) {
      throw new InvalidOption(
          "--heartbeat",
          "must not be shorter than --interval ("
              + millis(interval)
              + "), not "
              + millis(heartbeat));
    }
    if (simulate != null && (simulate < 1 || simulate > MAX_SIMULATED_GPUS)) {
      throw new InvalidOption(
          "--simulate", "takes 1 to " + MAX_SIMULATED_GPUS + " GPUs, not " + simulate);
    }
  }

  /**
   * {@code 500ms}, {@code 1s}, {@code 2m}, or an ISO-8601 duration ({@code PT1S}).
   *
   * @throws IllegalArgumentException saying what is expected; the caller names the option
   */
  public static Duration duration(String text) {
    String t = text.strip();
    try {
      if (t.startsWith("P") || t.startsWith("p")) return Duration.parse(t);
      if (t.endsWith("ms"))
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      if (t.endsWith("s"))
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      if (t.endsWith("m"))
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
    } catch (RuntimeException e) {
      // Not a number before the unit: the message below says what is expected.
    }
    throw new IllegalArgumentException("'" + text + "' is not a duration (500ms, 1s, 2m or PT1S)");
  }

  private static String millis(Duration d) {
    return d == null ? "none" : d.toMillis() + "ms";
  }

  /** An option that cannot work, named; exit 2. */
  public static final class InvalidOption extends RuntimeException {
    public InvalidOption(String option, String reason) {
      super(option + ": " + reason);
    }
  }
}
