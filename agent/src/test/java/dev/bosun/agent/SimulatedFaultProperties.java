package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** An Xid to inject is a code NVIDIA's catalog could name: 1 to 998, nothing else. */
class SimulatedFaultProperties {

  @Property
  void everyCodeFrom1To998IsAnXid(@ForAll @IntRange(min = 1, max = 998) int code) {
    assertThat(new SimulatedFault.Xid(code).describe()).isEqualTo("Xid " + code);
  }

  @Property
  void anyOtherNumberIsRefusedWithTheRange(@ForAll int code) {
    if (code >= 1 && code <= 998) return;
    assertThatThrownBy(() -> new SimulatedFault.Xid(code))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an Xid is 1 to 998, not " + code);
  }
}
