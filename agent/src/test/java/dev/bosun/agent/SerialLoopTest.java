package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many loops on a few shared threads: each runs its tasks one at a time and in order, as an agent
 * with a thread of its own would.
 */
class SerialLoopTest {

  final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final ExecutorService workers = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    timer.shutdownNow();
    workers.shutdownNow();
  }

  @Test
  void eachLoopRunsItsTasksInOrderAndNeverTwoAtOnce() throws Exception {
    int loops = 50;
    int tasks = 200;
    List<List<Integer>> seen = new ArrayList<>();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(loops * tasks);
    for (int l = 0; l < loops; l++) {
      var loop = new SerialLoop(timer, workers, Duration.ZERO);
      List<Integer> order = new ArrayList<>(); // unsynchronised: the loop must order the tasks
      seen.add(order);
      AtomicInteger running = new AtomicInteger();
      for (int t = 0; t < tasks; t++) {
        int task = t;
        loop.execute(
            () -> {
              if (running.incrementAndGet() > 1) overlaps.incrementAndGet();
              order.add(task);
              running.decrementAndGet();
              done.countDown();
            });
      }
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(overlaps).hasValue(0);
    var expected = IntStream.range(0, tasks).boxed().toList();
    assertThat(seen).allSatisfy(order -> assertThat(order).isEqualTo(expected));
  }

  @Test
  void aRepeatedTaskRunsAgainAfterEachRunUntilClosed() throws Exception {
    var loop = new SerialLoop(timer, workers, Duration.ofMillis(5));
    CountDownLatch threeRuns = new CountDownLatch(3);
    loop.every(Duration.ofMillis(1), threeRuns::countDown);
    assertThat(threeRuns.await(30, TimeUnit.SECONDS)).isTrue();

    loop.close(Duration.ofSeconds(5));
    assertThat(loop.isClosed()).isTrue();
    assertThatThrownBy(() -> loop.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void aTaskThatThrowsDoesNotStallTheLoop() throws Exception {
    var loop = new SerialLoop(timer, workers, Duration.ZERO);
    loop.execute(
        () -> {
          throw new IllegalStateException("a bug");
        });
    assertThat(loop.submit(() -> "next").get(30, TimeUnit.SECONDS)).isEqualTo("next");
  }

  @Test
  void closingWaitsForTheTasksGivenBefore() throws Exception {
    var loop = new SerialLoop(timer, workers, Duration.ZERO);
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < 100; i++) loop.execute(ran::incrementAndGet);
    loop.close(Duration.ofSeconds(30));
    assertThat(ran).hasValue(100);
  }
}
