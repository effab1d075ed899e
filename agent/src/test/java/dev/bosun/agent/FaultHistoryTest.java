package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.classify.FaultClass;
import dev.bosun.gpu.classify.Finding;
import dev.bosun.gpu.classify.Signal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultHistoryTest {

  static Finding missing(String uuid, Instant at) {
    return new Finding(
        Signal.GPU_MISSING,
        uuid,
        null,
        null,
        FaultClass.NODE,
        "reboot",
        "GPU " + uuid + " is missing",
        at);
  }

  static Finding xid(String uuid, int code, String text, Instant at) {
    return new Finding(Signal.XID, uuid, null, code, FaultClass.GPU, "reset", text, at);
  }

  @Test
  void aLastingConditionIsKeptOnceWithItsFirstTime() {
    Instant t = Instant.parse("2026-11-28T10:00:00Z");
    FaultHistory h = FaultHistory.empty(10).with(List.of(xid("GPU-a", 79, "fell off", t)));
    for (int s = 1; s <= 100; s++) h = h.with(List.of(missing("GPU-a", t.plusSeconds(s))));
    assertThat(h.of("GPU-a"))
        .extracting(e -> e.finding().signal())
        .containsExactly(Signal.XID, Signal.GPU_MISSING);
    assertThat(h.of("GPU-a").get(1).finding().at()).isEqualTo(t.plusSeconds(1));
  }

  @Test
  void distinctFaultsRollOverAtTheLimitAndStayPerGpu() {
    Instant t = Instant.parse("2026-11-28T10:00:00Z");
    FaultHistory h = FaultHistory.empty(3);
    for (int i = 0; i < 5; i++) h = h.with(List.of(xid("GPU-a", 13, "pid=" + i, t.plusSeconds(i))));
    h = h.with(List.of(xid("GPU-b", 48, "dbe", t)));
    h =
        h.with(
            List.of(
                new Finding(
                    Signal.NVML_FAILURE,
                    null,
                    null,
                    null,
                    FaultClass.NODE,
                    "check",
                    "NVML down",
                    t)));
    assertThat(h.of("GPU-a"))
        .extracting(e -> e.finding().detail())
        .containsExactly("pid=2", "pid=3", "pid=4");
    assertThat(h.of("GPU-b")).hasSize(1);
    assertThat(h.of(FaultHistory.NODE))
        .extracting(e -> e.finding().signal())
        .containsExactly(Signal.NVML_FAILURE);
  }

  @Test
  void theSameXidWithOtherWordsIsAnotherFault() {
    Instant t = Instant.parse("2026-11-28T10:00:00Z");
    Finding f = xid("GPU-a", 13, "Xid 13 seen 3 times", t);
    FaultHistory h =
        FaultHistory.empty(10)
            .with(List.of(f), "pid=1")
            .with(List.of(f), "pid=2")
            .with(List.of(f), "pid=1");
    assertThat(h.of("GPU-a"))
        .extracting(FaultHistory.Entry::text)
        .containsExactly("pid=1", "pid=2");
  }

  @Test
  void nothingNewIsTheSameValue() {
    Instant t = Instant.parse("2026-11-28T10:00:00Z");
    FaultHistory h = FaultHistory.empty(10).with(List.of(missing("GPU-a", t)));
    assertThat(h.with(List.of(missing("GPU-a", t.plusSeconds(1))))).isSameAs(h);
    assertThat(h.with(List.of())).isSameAs(h);
  }
}
