package dev.bosun.agent;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes a simulated node's agent as soon as its kernel log file grows, as a blocking read of {@code
 * /dev/kmsg} wakes a real one, so that a fault is handled at once and not at the next sample. One
 * thread and one watch service (inotify on Linux) for the whole fleet; a directory that cannot be
 * watched leaves its agent to find the records at its next sample.
 */
final class KmsgWatcher implements AutoCloseable {

  private final WatchService service;
  private final Map<WatchKey, Runnable> wakes = new ConcurrentHashMap<>();
  private final Thread thread;

  KmsgWatcher() throws IOException {
    service = FileSystems.getDefault().newWatchService();
    thread = Thread.ofPlatform().daemon().name("bosun-fleet-kmsg-watch").start(this::run);
  }

  /** Calls {@code wake} whenever {@code dir}'s kernel log file is written. */
  void watch(Path dir, Runnable wake) throws IOException {
    WatchKey key =
        dir.register(
            service, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
    wakes.put(key, wake);
  }

  /** Stops watching {@code dir}. */
  void forget(Path dir) {
    for (WatchKey key : List.copyOf(wakes.keySet())) {
      if (!key.watchable().equals(dir)) continue;
      key.cancel();
      wakes.remove(key);
    }
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = service.take();
        boolean written = false;
        for (WatchEvent<?> event : key.pollEvents()) {
          // An overflow may hide a write: wake to be sure.
          written |=
              event.kind() == StandardWatchEventKinds.OVERFLOW
                  || SimulatedNodeFiles.KMSG.equals(String.valueOf(event.context()));
        }
        Runnable wake = wakes.get(key);
        if (written && wake != null) wake.run();
        key.reset();
      }
    } catch (ClosedWatchServiceException | InterruptedException stopped) {
      // Closed: the fleet is stopping.
    }
  }

  @Override
  public void close() throws IOException {
    service.close();
    thread.interrupt();
  }
}
