package dev.bosun.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;

/**
 * The server over standard input and output, one session: stdout carries only the protocol, so
 * everything else (logs, errors) goes to stderr.
 */
public final class StdioTransport {
  private StdioTransport() {}

  /** Serves until the client closes standard input. */
  public static void serve(BosunMcpServer server, InputStream in, OutputStream out)
      throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    InputStream watched =
        new FilterInputStream(in) {
          @Override
          public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            if (read < 0) {
              closed.countDown();
            }
            return read;
          }

          @Override
          public int read() throws IOException {
            int read = super.read();
            if (read < 0) {
              closed.countDown();
            }
            return read;
          }
        };
    McpSyncServer running =
        server.build(
            McpServer.sync(
                new StdioServerTransportProvider(McpJsonDefaults.getMapper(), watched, out)));
    closed.await();
    running.closeGracefully();
  }
}
