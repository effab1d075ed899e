package dev.bosun.localcluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a stand-in model server behaves, so that the local cluster can play the apps that promotion
 * gates must catch, as well as a good one. A local-cluster simulation only: a Workload picks it
 * with the environment variable {@value #ENV} of its pod's first container (a literal value, a
 * comma-separated list of words), which a real image would ignore:
 *
 * <ul>
 *   <li>{@value #CRASH_ON_MALFORMED_INPUT}: a malformed request gets 500 and the server stops
 *       serving, as a process that died on it;
 *   <li>{@value #NO_DRAIN}: when its pod goes, the server stops at once and the requests it holds
 *       are lost; without it the server keeps serving for {@link #DRAIN_GRACE} (while the endpoints
 *       forget the pod) and then finishes what it holds, as a server that drains;
 *   <li>{@value #SERVICE_TIME}{@code =<latency>} (such as {@code service-time=2s}): each request
 *       takes that long instead of the servers' setting, a server too slow for its load.
 * </ul>
 *
 * <p>A good server, the default, answers a malformed request with a 4xx and drains.
 *
 * @param problems words it did not understand, for the servers' log
 */
public record StandInBehaviour(
    boolean crashesOnMalformedInput,
    boolean drains,
    Optional<Duration> serviceTime,
    List<String> problems) {

  public static final String ENV = "BOSUN_STAND_IN";
  public static final String CRASH_ON_MALFORMED_INPUT = "crash-on-malformed-input";
  public static final String NO_DRAIN = "no-drain";
  public static final String SERVICE_TIME = "service-time";

  /** How long a draining server keeps serving after its pod goes. */
  public static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

  public static final StandInBehaviour GOOD =
      new StandInBehaviour(false, true, Optional.empty(), List.of());

  public StandInBehaviour {
    problems = List.copyOf(problems);
  }

  /** The behaviour the pod's first container asks for; {@link #GOOD} without {@value #ENV}. */
  public static StandInBehaviour of(Pod pod) {
    List<Container> containers = pod.getSpec().getContainers();
    if (containers.isEmpty() || containers.getFirst().getEnv() == null) {
      return GOOD;
    }
    return containers.getFirst().getEnv().stream()
        .filter(env -> ENV.equals(env.getName()))
        .map(EnvVar::getValue)
        .filter(value -> value != null)
        .findFirst()
        .map(StandInBehaviour::parse)
        .orElse(GOOD);
  }

  /** The behaviour a value of {@value #ENV} names; words it does not know are in problems. */
  public static StandInBehaviour parse(String value) {
    boolean crashes = false;
    boolean drains = true;
    Optional<Duration> serviceTime = Optional.empty();
    List<String> problems = new ArrayList<>();
    for (String word : value.split(",")) {
      String trimmed = word.strip().toLowerCase(Locale.ROOT);
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.equals(CRASH_ON_MALFORMED_INPUT)) {
        crashes = true;
      } else if (trimmed.equals(NO_DRAIN)) {
        drains = false;
      } else if (trimmed.startsWith(SERVICE_TIME + "=")) {
        try {
          Duration parsed =
              ModelServerSettings.parseServiceTime(trimmed.substring(SERVICE_TIME.length() + 1));
          if (parsed.compareTo(ModelServerSettings.MAX_SERVICE_TIME) > 0) {
            throw new IllegalArgumentException(
                "at most " + ModelServerSettings.MAX_SERVICE_TIME.toSeconds() + "s");
          }
          serviceTime = Optional.of(parsed);
        } catch (IllegalArgumentException e) {
          problems.add(ENV + ": " + trimmed + ": " + e.getMessage());
        }
      } else {
        problems.add(
            ENV
                + ": unknown word '"
                + trimmed
                + "' (known: "
                + CRASH_ON_MALFORMED_INPUT
                + ", "
                + NO_DRAIN
                + ", "
                + SERVICE_TIME
                + "=<latency>)");
      }
    }
    return new StandInBehaviour(crashes, drains, serviceTime, problems);
  }
}
