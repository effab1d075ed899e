package dev.bosun.localcluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Ports free on loopback, for the processes {@code bosun dev} starts beside the cluster. */
final class FreePorts {

  private FreePorts() {}

  /**
   * {@code count} distinct ports free now on loopback. Another process could take one before the
   * caller binds it; its start then fails naming the process and its log, and the next start picks
   * again.
   *
   * @param forWhat who needs them, for the error: "KEDA"
   */
  static List<Integer> onLoopback(int count, String forWhat) {
    var sockets = new ArrayList<ServerSocket>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports on loopback for " + forWhat, e);
    } finally {
      for (var socket : sockets) {
        try {
          socket.close();
        } catch (IOException e) {
          // Closing a listening socket that accepted nothing does not fail in practice.
        }
      }
    }
  }
}
