package dev.bosun.gpu.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Why the clocks are below their maximum, as NVML's bitmask ({@code
 * nvmlDeviceGetCurrentClocksEventReasons}; "throttle reasons" before driver 550). Most bits are
 * normal operation: idle, application clocks, the software power cap under full load (the real H100
 * trace shows {@code 0x4} at 700 W). Only the slowdown bits say that the GPU is being held back by
 * heat or by its power supply.
 */
public record ClockEventReasons(long bits) {

  public static final long GPU_IDLE = 0x1L;
  public static final long APPLICATIONS_CLOCKS_SETTING = 0x2L;
  public static final long SW_POWER_CAP = 0x4L;
  public static final long HW_SLOWDOWN = 0x8L;
  public static final long SYNC_BOOST = 0x10L;
  public static final long SW_THERMAL_SLOWDOWN = 0x20L;
  public static final long HW_THERMAL_SLOWDOWN = 0x40L;
  public static final long HW_POWER_BRAKE_SLOWDOWN = 0x80L;
  public static final long DISPLAY_CLOCK_SETTING = 0x100L;

  /** Bit and the name nvidia-smi gives it (minus the {@code clocks_event_reason_} prefix). */
  public enum Reason {
    GPU_IDLE(ClockEventReasons.GPU_IDLE, "gpu_idle"),
    APPLICATIONS_CLOCKS_SETTING(
        ClockEventReasons.APPLICATIONS_CLOCKS_SETTING, "applications_clocks_setting"),
    SW_POWER_CAP(ClockEventReasons.SW_POWER_CAP, "sw_power_cap"),
    HW_SLOWDOWN(ClockEventReasons.HW_SLOWDOWN, "hw_slowdown"),
    SYNC_BOOST(ClockEventReasons.SYNC_BOOST, "sync_boost"),
    SW_THERMAL_SLOWDOWN(ClockEventReasons.SW_THERMAL_SLOWDOWN, "sw_thermal_slowdown"),
    HW_THERMAL_SLOWDOWN(ClockEventReasons.HW_THERMAL_SLOWDOWN, "hw_thermal_slowdown"),
    HW_POWER_BRAKE_SLOWDOWN(ClockEventReasons.HW_POWER_BRAKE_SLOWDOWN, "hw_power_brake_slowdown"),
    DISPLAY_CLOCK_SETTING(ClockEventReasons.DISPLAY_CLOCK_SETTING, "display_clocks_setting");

    public final long bit;
    public final String smiName;

    Reason(long bit, String smiName) {
      this.bit = bit;
      this.smiName = smiName;
    }

    public static Reason bySmiName(String name) {
      for (Reason r : values()) if (r.smiName.equals(name)) return r;
      return null;
    }
  }

  public static final ClockEventReasons NONE = new ClockEventReasons(0);

  public boolean has(long bit) {
    return (bits & bit) != 0;
  }

  public boolean thermalSlowdown() {
    return has(SW_THERMAL_SLOWDOWN | HW_THERMAL_SLOWDOWN);
  }

  /** Hardware slowdown or power brake: the board or its supply is holding the GPU back. */
  public boolean powerSlowdown() {
    return has(HW_SLOWDOWN | HW_POWER_BRAKE_SLOWDOWN);
  }

  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (Reason r : Reason.values()) if (has(r.bit)) names.add(r.smiName);
    long unknown = bits & ~0x1FFL;
    if (unknown != 0) names.add("unknown_0x" + Long.toHexString(unknown));
    return List.copyOf(names);
  }

  public String hex() {
    return "0x%016x".formatted(bits);
  }
}
