package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The queue accounting of a stand-in model server and the vLLM metrics it shows. */
class ModelServerLoadTest {

  @Test
  void requestsRunUpToCapacityThenWaitThenAreRejected() {
    var load = ModelServerLoad.idle(2, 1);
    var outcomes = new ArrayList<ModelServerLoad.Outcome>();
    for (int i = 0; i < 4; i++) {
      var step = load.arrive();
      outcomes.add(step.outcome());
      load = step.load();
    }
    assertThat(outcomes)
        .containsExactly(
            ModelServerLoad.Outcome.RUNS,
            ModelServerLoad.Outcome.RUNS,
            ModelServerLoad.Outcome.WAITS,
            ModelServerLoad.Outcome.REJECTED);
    assertThat(load).isEqualTo(new ModelServerLoad(2, 1, 2, 1));
    // The first to finish hands its slot to the waiting request; the next frees one.
    assertThat(load.finish()).isEqualTo(new ModelServerLoad(2, 1, 2, 0));
    assertThat(load.finish().finish()).isEqualTo(new ModelServerLoad(2, 1, 1, 0));
  }

  @Test
  void aFinishWithNothingRunningIsAnError() {
    assertThatThrownBy(() -> ModelServerLoad.idle(1, 0).finish())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void metricsUseVllmNamesHelpTypesAndLabels() {
    var load = new ModelServerLoad(4, 100, 4, 7);
    assertThat(VllmMetrics.exposition("chat", load))
        .isEqualTo(
            """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="chat"} 4.0
            # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{engine="0",model_name="chat"} 7.0
            # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{engine="0",model_name="chat"} 1.0
            """);
  }

  @Test
  void kvCacheUsageIsTheShareOfTheBatchInUse() {
    assertThat(new ModelServerLoad(4, 0, 1, 0).kvCacheUsage()).isEqualTo(0.25);
    assertThat(VllmMetrics.exposition("m", ModelServerLoad.idle(4, 0)))
        .contains("vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.0\n");
  }

  @Test
  void labelValuesAreEscaped() {
    assertThat(VllmMetrics.escaped("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
  }

  /** An event: a request arrives (true) or a running one finishes (false). */
  @Property
  void anySequenceKeepsTheQueueWithinItsBoundsAndCountsEveryRequest(
      @ForAll @IntRange(min = 1, max = 8) int capacity,
      @ForAll @IntRange(min = 0, max = 8) int maxWaiting,
      @ForAll("events") List<Boolean> arrivals) {
    var load = ModelServerLoad.idle(capacity, maxWaiting);
    int admitted = 0;
    int finished = 0;
    for (boolean arrives : arrivals) {
      if (arrives) {
        var step = load.arrive();
        if (step.outcome() != ModelServerLoad.Outcome.REJECTED) {
          admitted++;
        } else {
          assertThat(load.running()).isEqualTo(capacity);
          assertThat(load.waiting()).isEqualTo(maxWaiting);
        }
        load = step.load();
      } else if (load.running() > 0) {
        load = load.finish();
        finished++;
      }
      // The record's own checks hold the bounds; every admitted request is running or waiting.
      assertThat(load.running() + load.waiting()).isEqualTo(admitted - finished);
      assertThat(load.kvCacheUsage()).isBetween(0.0, 1.0);
    }
  }

  @Provide
  Arbitrary<List<Boolean>> events() {
    return Arbitraries.of(true, false).list().ofMaxSize(60);
  }

  @Property
  void outOfBoundCountsAreRejected(
      @ForAll @IntRange(min = -3, max = 3) int running,
      @ForAll @IntRange(min = -3, max = 3) int waiting) {
    boolean valid = running >= 0 && running <= 2 && waiting >= 0 && waiting <= 2;
    boolean waitsWithAFreeSlot = waiting > 0 && running < 2;
    if (valid && !waitsWithAFreeSlot) {
      assertThat(new ModelServerLoad(2, 2, running, waiting).waiting()).isEqualTo(waiting);
    } else {
      assertThatThrownBy(() -> new ModelServerLoad(2, 2, running, waiting))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
