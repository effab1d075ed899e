package dev.bosun.localcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The local cluster's OCI registry: {@code crane registry serve} on loopback, a background process
 * of the cluster's home (so {@code bosun dev down} stops it), its blobs on disk in the home, its
 * address ({@code 127.0.0.1:PORT}) in {@code <home>/}{@value #ADDRESS_FILE} for whoever pushes or
 * pulls. Plain HTTP: crane and Jib need {@code --insecure} / allowInsecureRegistries for it.
 */
public final class ImageRegistry {

  /** The name of the background process, and of its log in the cluster's home. */
  public static final String PROCESS = "registry";

  public static final String ADDRESS_FILE = "registry-address";

  private static final Duration READY_WITHIN = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final Path crane;
  private final Path home;
  private final BackgroundProcesses processes;

  public ImageRegistry(Path crane, Path home) {
    this.crane = crane;
    this.home = home;
    this.processes = new BackgroundProcesses(home);
  }

  /**
   * The running registry's address, starting it first when it does not run. On failure nothing is
   * left running and the exception names the log.
   */
  public String start() {
    Optional<String> running = address().filter(a -> processes.running(PROCESS).isPresent());
    if (running.isPresent()) return running.get();
    String address = "127.0.0.1:" + freePort();
    Path blobs = home.resolve("registry");
    try {
      Files.createDirectories(blobs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + blobs, e);
    }
    var started =
        processes.start(
            PROCESS,
            List.of(
                crane.toString(),
                "registry",
                "serve",
                "--address",
                address,
                "--disk",
                blobs.toString()));
    URI v2 = URI.create("http://" + address + "/v2/");
    try (var http = HttpClient.newHttpClient()) {
      processes
          .awaitReady(
              started,
              "the registry answering on " + v2,
              READY_WITHIN,
              STOP_GRACE,
              () -> HttpProbe.answersOk(http, v2))
          .ifPresent(
              failure -> {
                throw new ClusterStartException("the registry did not start: " + failure);
              });
    }
    try {
      Files.writeString(home.resolve(ADDRESS_FILE), address + "\n");
    } catch (IOException e) {
      processes.stop(PROCESS, STOP_GRACE);
      throw new UncheckedIOException("cannot write " + home.resolve(ADDRESS_FILE), e);
    }
    return address;
  }

  /** The address a start wrote, if one did. */
  public Optional<String> address() {
    Path file = home.resolve(ADDRESS_FILE);
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Files.readString(file).strip())
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  public void stop() {
    processes.stop(PROCESS, STOP_GRACE);
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on loopback for the registry", e);
    }
  }
}
