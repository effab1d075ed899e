package dev.bosun.localcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The local cluster's simulated pod network: KWOK pods run no processes, so whatever serves a pod's
 * IP and port runs on this machine's loopback, and this directory says where. One file per served
 * endpoint, named {@code <podIP>_<port>}, holding one line {@code <host>:<port>} (the writer writes
 * {@code 127.0.0.1:<localport>}). Files are replaced atomically (a temporary file moved over), so a
 * reader sees the old content, the new one or no file, never half of one.
 *
 * <p>A component that would dial {@code podIP:port} (the sandbox router) dials the address here
 * instead when one is registered.
 */
public final class PodNetwork {

  /** Longest content read: an IPv6 literal, a port and a newline fit with room to spare. */
  static final int MAX_CONTENT = 128;

  private final Path directory;

  public PodNetwork(Path directory) {
    this.directory = directory.toAbsolutePath();
  }

  /** The directory of the cluster whose home is {@code home}. */
  public static PodNetwork atHome(Path home) {
    return new PodNetwork(home.resolve("pod-network"));
  }

  public Path directory() {
    return directory;
  }

  /** A pod's IP (a literal, never a host name) and one of its container ports. */
  public record Endpoint(String podIp, int port) {
    public Endpoint {
      requireIpLiteral(podIp, "pod IP");
      requirePort(port, "port");
    }

    /** {@code <podIP>_<port>}: the file of this endpoint. */
    public String fileName() {
      return podIp + "_" + port;
    }

    /** The endpoint a file name stands for; a name that is not one is an error saying why. */
    public static Endpoint ofFileName(String name) {
      int separator = name.lastIndexOf('_');
      if (separator < 0) {
        throw new IllegalArgumentException(
            "pod network file " + name + ": the name must be <podIP>_<port>");
      }
      return new Endpoint(
          name.substring(0, separator), parsePort(name.substring(separator + 1), name));
    }
  }

  /** The content of an endpoint's file: one line, {@code host:port}. */
  public static String format(InetSocketAddress local) {
    return local.getHostString() + ":" + local.getPort() + "\n";
  }

  /**
   * The address in a file's content; anything but one line of an IP literal, a colon and a port
   * from 1 to 65535 is an error that says what is wrong.
   */
  public static InetSocketAddress parse(String content) {
    String line = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
    if (line.isEmpty() || line.contains("\n") || line.contains("\r")) {
      throw new IllegalArgumentException("must be one line <host>:<port>, got " + quoted(content));
    }
    int colon = line.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("must be <host>:<port>, got " + quoted(content));
    }
    String host = line.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    requireIpLiteral(host, "host");
    return new InetSocketAddress(
        InetAddress.ofLiteral(host), parsePort(line.substring(colon + 1), content));
  }

  /** Makes {@code endpoint} served by {@code local}, replacing what was there at once. */
  public void register(Endpoint endpoint, InetSocketAddress local) {
    Path file = directory.resolve(endpoint.fileName());
    try {
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, "." + endpoint.fileName(), ".tmp");
      Files.writeString(temporary, format(local));
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot register " + file, e);
    }
  }

  /** Removes {@code endpoint}'s file, if there is one. */
  public void remove(Endpoint endpoint) {
    Path file = directory.resolve(endpoint.fileName());
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + file, e);
    }
  }

  /**
   * Where {@code endpoint} is served, if anything serves it.
   *
   * @throws IllegalArgumentException when its file holds something else, naming the file
   */
  public Optional<InetSocketAddress> lookup(Endpoint endpoint) {
    Path file = directory.resolve(endpoint.fileName());
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    try {
      if (content.length > MAX_CONTENT) {
        throw new IllegalArgumentException(
            "holds " + content.length + " bytes, more than the " + MAX_CONTENT + " allowed");
      }
      return Optional.of(parse(new String(content, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static void requireIpLiteral(String value, String what) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + ": must be an IP address, got nothing");
    }
    try {
      InetAddress.ofLiteral(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": must be an IP address, got " + quoted(value), e);
    }
  }

  private static int parsePort(String value, String in) {
    try {
      int port = Integer.parseInt(value);
      requirePort(port, "port");
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "port: must be a number from 1 to 65535, got " + quoted(value) + " in " + quoted(in), e);
    }
  }

  private static void requirePort(int port, String what) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(what + ": must be from 1 to 65535, got " + port);
    }
  }

  private static String quoted(String value) {
    return "\"" + value.replace("\n", "\\n").replace("\r", "\\r") + "\"";
  }
}
