package dev.bosun.cli;

import dev.bosun.localcluster.BackgroundProcesses;
import dev.bosun.testkit.Crds;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a test class starts with {@code bosun dev} on the shared local cluster (the operator, the
 * router, the stand-in servers, ...), stopped together after it: the other tests of the run share
 * the cluster.
 */
final class DevServices {
  private final Path home;
  private final List<String> started = new ArrayList<>();

  /** Services of the cluster at {@code home}, Bosun's CRDs applied to it first. */
  DevServices(Path home, KubernetesClient admin) throws IOException {
    this.home = home;
    try (Stream<Path> crds = Files.list(BosunProcess.ROOT.resolve("deploy/crds"))) {
      crds.sorted().forEach(crd -> Crds.apply(admin, crd));
    }
  }

  /** {@code bosun dev ARGS}, which starts the background processes named {@code processes}. */
  DevServices start(List<String> processes, String... args) {
    BosunProcess.dev(home, args);
    started.addAll(processes);
    return this;
  }

  /** {@code bosun dev SERVICE ARGS}, which starts the background process of that name. */
  DevServices start(String service, String... args) {
    List<String> command = new ArrayList<>(List.of(service));
    command.addAll(List.of(args));
    return start(List.of(service), command.toArray(String[]::new));
  }

  /**
   * The operator, the router (with its scaler) on free ports, and stand-in model servers of {@code
   * capacity} slots of {@code serviceTime}: what traffic to an Inference Workload needs.
   */
  DevServices serving(String capacity, String serviceTime) throws IOException {
    return start("operator", "--http-port", BosunProcess.freePort())
        .start(
            "router", "--port", BosunProcess.freePort(), "--scaler-port", BosunProcess.freePort())
        .start("model-servers", "--capacity", capacity, "--service-time", serviceTime);
  }

  /** Stops what was started, last first. */
  void stopAll() {
    var processes = new BackgroundProcesses(home);
    started.reversed().forEach(name -> processes.stop(name, Duration.ofSeconds(10)));
    started.clear();
  }
}
