package dev.bosun.router;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The listener: accepts connections on one platform thread and serves each on a virtual thread, at
 * most {@link #MAX_CONNECTIONS} at once (past that, a 503 and the connection closes).
 */
final class RouterServer implements AutoCloseable {
  static final int MAX_CONNECTIONS = 10_000;

  private final ServerSocket socket;
  private final ProxyContext ctx;
  private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
  private final Thread acceptor;

  RouterServer(InetSocketAddress address, ProxyContext ctx) throws IOException {
    this.socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(address, 512);
    this.ctx = ctx;
    this.acceptor = Thread.ofPlatform().name("bosun-router-accept").daemon().start(this::accept);
  }

  int port() {
    return socket.getLocalPort();
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        continue; // closed, or one failed accept: the loop's condition decides.
      }
      if (!connections.tryAcquire()) {
        refuseBusy(client);
        continue;
      }
      Thread.ofVirtual()
          .name("bosun-router-connection")
          .start(
              () -> {
                try {
                  new ProxyConnection(client, ctx).run();
                } finally {
                  connections.release();
                }
              });
    }
  }

  private void refuseBusy(Socket client) {
    ctx.metrics().request(RouterMetrics.Outcome.UNAVAILABLE);
    try (client;
        OutputStream out = client.getOutputStream()) {
      out.write(
          Responses.text(
              503,
              "the router serves " + MAX_CONNECTIONS + " connections at once",
              List.of(new Header("Retry-After", "1"))));
    } catch (IOException e) {
      // The client is gone already.
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    try {
      acceptor.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
