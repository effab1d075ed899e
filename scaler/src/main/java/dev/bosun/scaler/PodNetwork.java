package dev.bosun.scaler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where to dial a pod (a sandbox's, or a Workload's for requests and scrapes). In a cluster, its IP
 * and port. On the local cluster, whose pods run no processes, the address a stand-in server wrote
 * to {@code <dir>/<podIP>_<port>} (one line, {@code 127.0.0.1:<port>}): anything but a loopback
 * address there is refused, so the directory cannot send the router or the scaler elsewhere.
 */
public interface PodNetwork {
  /**
   * @throws NoRoute when nothing serves there yet (the dial is retried after a wake)
   */
  InetSocketAddress address(String podIP, int port) throws NoRoute;

  /** Nothing serves at the pod's address yet. */
  final class NoRoute extends IOException {
    public NoRoute(String message) {
      super(message);
    }
  }

  /** The pod's own address. */
  static PodNetwork direct() {
    return (podIP, port) -> new InetSocketAddress(literal(podIP), port);
  }

  /** The local cluster's simulated pod network in {@code directory}. */
  static PodNetwork directory(Path directory) {
    return (podIP, port) -> {
      literal(podIP);
      Path file = directory.resolve(podIP + "_" + port);
      String content;
      try {
        content = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new NoRoute("nothing serves " + podIP + ":" + port + " in the pod network yet");
      } catch (IOException e) {
        throw new NoRoute("cannot read " + file + ": " + e.getMessage());
      }
      try {
        return loopback(content);
      } catch (IllegalArgumentException e) {
        throw new NoRoute(file + ": " + e.getMessage());
      }
    };
  }

  Pattern LOOPBACK = Pattern.compile("127\\.0\\.0\\.1:([0-9]{1,5})");
  Pattern IP = Pattern.compile("[0-9a-fA-F:.]{2,45}");

  /** {@code 127.0.0.1:<port>} (one line) as an address; anything else is refused. */
  static InetSocketAddress loopback(String content) {
    var m = LOOPBACK.matcher(content.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not 127.0.0.1:<port>");
    }
    int port = Integer.parseInt(m.group(1));
    if (port < 1 || port > 65535) throw new IllegalArgumentException("not a port: " + port);
    return new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port);
  }

  /** The pod IP as an address, without a DNS lookup: only IP literals are accepted. */
  private static InetAddress literal(String podIP) throws NoRoute {
    if (!IP.matcher(podIP).matches()) throw new NoRoute("'" + podIP + "' is not an IP address");
    try {
      return InetAddress.ofLiteral(podIP);
    } catch (IllegalArgumentException e) {
      throw new NoRoute("'" + podIP + "' is not an IP address");
    }
  }
}
