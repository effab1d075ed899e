package dev.bosun.router;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * A minimal WebSocket server (RFC 6455) that echoes every text or binary frame, standing in for an
 * agent behind the router. One connection at a time; enough for a handshake and a few frames.
 */
final class WebSocketEcho implements AutoCloseable {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final ServerSocket server;
  volatile String lastPath;

  WebSocketEcho() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::serve);
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        echo(socket);
      } catch (IOException e) {
        // Next connection, or closed.
      }
    }
  }

  private void echo(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    OutputStream out = socket.getOutputStream();
    String key = null;
    String line = readLine(in);
    lastPath = line.split(" ")[1];
    while (!(line = readLine(in)).isEmpty()) {
      if (line.toLowerCase().startsWith("sec-websocket-key:")) key = line.substring(18).strip();
    }
    String accept;
    try {
      accept =
          Base64.getEncoder()
              .encodeToString(
                  MessageDigest.getInstance("SHA-1")
                      .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IOException(e);
    }
    out.write(
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + accept
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    while (true) {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      int opcode = b0 & 0x0f;
      long length = b1 & 0x7f;
      if (length == 126) length = in.readUnsignedShort();
      else if (length == 127) length = in.readLong();
      byte[] mask = new byte[4];
      if ((b1 & 0x80) != 0) in.readFully(mask);
      byte[] payload = new byte[(int) length];
      in.readFully(payload);
      for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
      out.write(0x80 | opcode);
      if (payload.length < 126) {
        out.write(payload.length);
      } else {
        out.write(126);
        out.write(payload.length >> 8);
        out.write(payload.length & 0xff);
      }
      out.write(payload);
      out.flush();
      if (opcode == 8) return;
    }
  }

  private static String readLine(DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') line.append((char) c);
    }
    if (c < 0) throw new IOException("closed");
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
