package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackgroundProcessesTest {

  private static final Duration GRACE = Duration.ofSeconds(2);

  @TempDir Path home;

  private BackgroundProcesses processes;
  private Process stranger;

  @AfterEach
  void stopWhatTheTestStarted() {
    processes.running().forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy));
    if (stranger != null) {
      stranger.destroyForcibly();
    }
  }

  @Test
  void aStartedProcessIsFoundByItsRecordAndStoppedWithItsOutputKept() throws Exception {
    processes = new BackgroundProcesses(home);
    var started = processes.start("sleeper", List.of("sh", "-c", "echo sleeping; exec sleep 300"));

    assertThat(processes.running("sleeper")).contains(started);
    assertThat(new BackgroundProcesses(home).running()).containsExactly(started);
    // The shell may not have written yet: stopping it first would leave an empty log.
    Poll.until(
        "the sleeper's first line",
        Duration.ofMinutes(1),
        Duration.ofMillis(20),
        () -> logOf(started).contains("sleeping"));

    assertThat(processes.stopAll(GRACE)).containsExactly(started);
    awaitExit(started.pid());
    assertThat(processes.running()).isEmpty();
    assertThat(logOf(started)).contains("sleeping");
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilled() throws Exception {
    processes = new BackgroundProcesses(home);
    // An ignored signal stays ignored across exec, so sleep itself ignores SIGTERM.
    var started = processes.start("stubborn", List.of("sh", "-c", "trap '' TERM; exec sleep 300"));

    assertThat(processes.stopAll(GRACE)).containsExactly(started);

    awaitExit(started.pid());
  }

  @Test
  void aRecordWhosePidNowBelongsToAnotherProcessStopsNothingAndIsDropped() throws Exception {
    processes = new BackgroundProcesses(home);
    stranger = new ProcessBuilder("sleep", "300").start();
    Files.createDirectories(home.resolve("processes"));
    Files.writeString(
        home.resolve("processes/operator.properties"),
        "pid=%d%nstartedAt=%s%n".formatted(stranger.pid(), Instant.parse("2020-01-01T00:00:00Z")));

    assertThat(processes.stopAll(GRACE)).isEmpty();

    assertThat(stranger.isAlive()).isTrue();
    assertThat(home.resolve("processes/operator.properties")).doesNotExist();
  }

  @Test
  void aRecordOfAnExitedProcessIsStale() throws IOException, InterruptedException {
    processes = new BackgroundProcesses(home);
    var started = processes.start("quick", List.of("true"));
    ProcessHandle.of(started.pid()).ifPresent(h -> h.onExit().join());

    assertThat(processes.running("quick")).isEmpty();
    assertThat(processes.stopAll(GRACE)).isEmpty();
  }

  private static String logOf(BackgroundProcesses.Running process) {
    try {
      return Files.readString(process.log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void awaitExit(long pid)
      throws InterruptedException, ExecutionException, TimeoutException {
    var handle = ProcessHandle.of(pid);
    if (handle.isPresent()) {
      handle.get().onExit().get(1, TimeUnit.MINUTES);
    }
  }
}
