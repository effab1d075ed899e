package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.OperatingMode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WakerTest {
  private static final SandboxKey KEY = new SandboxKey("ns", "a");

  @Test
  void manyRequestsMakeOnePatch() throws Exception {
    AtomicInteger patches = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Waker waker =
          new Waker(
              key -> {
                patches.incrementAndGet();
                await(release);
                return 2;
              },
              new RouterMetrics(() -> 0),
              executor);
      var wakes = IntStream.range(0, 100).mapToObj(i -> waker.wake(KEY, 1)).toList();
      release.countDown();
      CompletableFuture.allOf(wakes.toArray(CompletableFuture[]::new)).join();
      assertThat(waker.wake(KEY, 1).join()).as("a lagging cache joins the done wake").isEqualTo(2);
      assertThat(patches).hasValue(1);

      waker.wake(KEY, 3).join();
      assertThat(patches).as("suspended again after the wake: patched again").hasValue(2);
    }
  }

  @Test
  void aFailedPatchIsTriedAgain() {
    AtomicInteger patches = new AtomicInteger();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Waker waker =
          new Waker(
              key -> {
                if (patches.incrementAndGet() == 1) throw new IllegalStateException("refused");
                return 2;
              },
              new RouterMetrics(() -> 0),
              executor);
      assertThat(waker.wake(KEY, 1)).failsWithin(Duration.ofSeconds(5));
      assertThat(waker.wake(KEY, 1).join()).isEqualTo(2);
      assertThat(patches).hasValue(2);
    }
  }

  @Test
  void forgetsAWakeTheInformerShows() {
    AtomicInteger patches = new AtomicInteger();
    try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
      Waker waker =
          new Waker(key -> patches.incrementAndGet(), new RouterMetrics(() -> 0), executor);
      waker.wake(KEY, 5).join();
      waker.observed(TestSandboxes.sandbox(KEY, "t", OperatingMode.Running));
      waker.wake(KEY, 0).join();
      assertThat(patches).hasValue(2);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
