package dev.bosun.mcp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Forwards HTTP/1.1 to the server on a loopback port, adding {@code Authorization: Bearer TOKEN} to
 * every request and changing nothing else (Host and Origin pass as sent). The MCP conformance
 * suite's client sends no credentials, and the server answers no request without them. Request
 * bodies must have a Content-Length (the suite's client sends one); responses pass as they come,
 * event streams included.
 */
final class BearerProxy implements AutoCloseable {
  private static final int MAX_HEAD_BYTES = 64 * 1024;

  private final ServerSocket listener;
  private final int upstreamPort;
  private final String authorization;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  private BearerProxy(ServerSocket listener, int upstreamPort, String token) {
    this.listener = listener;
    this.upstreamPort = upstreamPort;
    this.authorization = "Authorization: Bearer " + token + "\r\n";
  }

  static BearerProxy start(int upstreamPort, String token) throws IOException {
    var proxy =
        new BearerProxy(
            new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), upstreamPort, token);
    proxy.threads.submit(proxy::accept);
    return proxy;
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        threads.submit(() -> relay(client));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void relay(Socket client) {
    try (client;
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
      var responses =
          threads.submit(
              () -> {
                server.getInputStream().transferTo(client.getOutputStream());
                client.shutdownOutput();
                return null;
              });
      var in = new BufferedInputStream(client.getInputStream());
      OutputStream out = server.getOutputStream();
      for (String head = readHead(in); head != null; head = readHead(in)) {
        int requestLineEnd = head.indexOf("\r\n") + 2;
        out.write(
            (head.substring(0, requestLineEnd) + authorization + head.substring(requestLineEnd))
                .getBytes(StandardCharsets.ISO_8859_1));
        copy(in, out, contentLength(head));
        out.flush();
      }
      server.shutdownOutput();
      responses.get();
    } catch (Exception e) {
      // One connection ends; the client sees it closed, as it would a server's.
    }
  }

  /** The request line and headers up to the blank line, or null at the end of the stream. */
  private static String readHead(InputStream in) throws IOException {
    var head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      if (head.size() == MAX_HEAD_BYTES) {
        throw new IOException("request head over " + MAX_HEAD_BYTES + " bytes");
      }
      head.write(b);
      matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static long contentLength(String head) throws IOException {
    long length = 0;
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("transfer-encoding:")) {
        throw new IOException("chunked request bodies are not forwarded: " + line);
      }
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    return length;
  }

  private static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[8192];
    for (long left = length; left > 0; ) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new IOException("request body ended " + left + " bytes short");
      }
      out.write(buffer, 0, read);
      left -= read;
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    threads.shutdownNow();
  }
}
