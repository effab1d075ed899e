package dev.bosun.router;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;

/**
 * Remembers when each sandbox last had a request, and writes it ({@link
 * SandboxWrites#recordActivity}) from {@link #flush}, which the router runs every activity
 * interval: so each sandbox is written at most once an interval, and no request waits for a write.
 */
final class ActivityRecorder {
  private final BiConsumer<SandboxKey, Instant> writer;
  private final ExecutorService writers;
  private final Map<SandboxKey, Instant> pending = new ConcurrentHashMap<>();

  ActivityRecorder(BiConsumer<SandboxKey, Instant> writer, ExecutorService writers) {
    this.writer = writer;
    this.writers = writers;
  }

  void touch(SandboxKey key, Instant at) {
    pending.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Writes every pending time, in parallel, and returns when all are written or failed. */
  void flush() throws InterruptedException {
    List<Callable<Void>> writes = new ArrayList<>();
    for (var entry : pending.entrySet()) {
      if (pending.remove(entry.getKey(), entry.getValue())) {
        writes.add(
            () -> {
              writer.accept(entry.getKey(), entry.getValue());
              return null;
            });
      }
    }
    if (!writes.isEmpty()) writers.invokeAll(writes);
  }
}
