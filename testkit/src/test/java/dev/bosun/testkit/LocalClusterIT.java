package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.localcluster.ClusterStartException;
import dev.bosun.localcluster.K8sBinaries;
import dev.bosun.localcluster.LocalCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalClusterExtension.class)
class LocalClusterIT {

  @Test
  void aSecondStartFindsTheRunningCluster(SharedCluster shared) {
    var again = LocalCluster.atDefaultHome(K8sBinaries.cached().orElseThrow()).start(line -> {});

    assertThat(again.startedNow()).isFalse();
    assertThat(again.kubeconfig()).isEqualTo(shared.cluster().kubeconfig());
    assertThat(shared.cluster().status())
        .allSatisfy(
            component -> assertThat(component.running()).as(component.component()).isTrue());
  }

  @Test
  void aBusyApiServerPortIsNamedBeforeAnythingStarts(@TempDir Path home) throws IOException {
    try (var busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      var cluster = new LocalCluster(K8sBinaries.cached().orElseThrow(), home, busy.getLocalPort());

      assertThatThrownBy(() -> cluster.start(line -> {}))
          .isInstanceOf(ClusterStartException.class)
          .hasMessageContaining("kube-apiserver")
          .hasMessageContaining("127.0.0.1:" + busy.getLocalPort())
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void aComponentThatExitsDuringStartIsNamedWithItsLogAndNothingIsLeftRunning(@TempDir Path home)
      throws IOException {
    // The real binaries, except a kube-scheduler that answers kwokctl's version query and then
    // exits at once.
    var real = K8sBinaries.cached().orElseThrow();
    Path bin = Files.createDirectories(home.resolve("bin"));
    for (String component : K8sBinaries.COMPONENTS) {
      Files.createSymbolicLink(bin.resolve(component), real.path(component));
    }
    Files.delete(bin.resolve("kube-scheduler"));
    Files.writeString(
        bin.resolve("kube-scheduler"),
        """
                #!/bin/sh
                case "$*" in *version*) exec %s "$@" ;; esac
                echo 'scheduler: injected failure' >&2
                exit 3
                """
            .formatted(real.kubeScheduler()));
    bin.resolve("kube-scheduler").toFile().setExecutable(true);
    var cluster = new LocalCluster(new K8sBinaries(bin), home.resolve("dev"), 0);

    try {
      assertThatThrownBy(() -> cluster.start(line -> {}))
          .isInstanceOf(ClusterStartException.class)
          .hasMessageContaining("kube-scheduler exited during start")
          .hasMessageContaining(cluster.failedStartLogs().resolve("kube-scheduler.log").toString())
          .hasMessageContaining("scheduler: injected failure");
      assertThat(cluster.status())
          .allSatisfy(
              component ->
                  assertThat(component.running()).as(component.component() + " running").isFalse());
    } finally {
      // @TempDir would warn about links to files outside it.
      for (String component : K8sBinaries.COMPONENTS) {
        Files.delete(bin.resolve(component));
      }
    }
  }
}
