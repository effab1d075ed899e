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
      throw new IllegalArgumentException(
          "must be one line <host>:<port>, got " + PodEndpoint.quoted(content));
    }
    int colon = line.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "must be <host>:<port>, got " + PodEndpoint.quoted(content));
    }
    String host = line.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    PodEndpoint.requireIpLiteral(host, "host");
    return new InetSocketAddress(
        InetAddress.ofLiteral(host), PodEndpoint.parsePort(line.substring(colon + 1), content));
  }

  /** Makes {@code endpoint} served by {@code local}, replacing what was there at once. */
  public void register(PodEndpoint endpoint, InetSocketAddress local) {
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
  public void remove(PodEndpoint endpoint) {
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
  public Optional<InetSocketAddress> lookup(PodEndpoint endpoint) {
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
}
