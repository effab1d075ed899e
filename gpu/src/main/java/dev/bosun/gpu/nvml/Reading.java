package dev.bosun.gpu.nvml;

/** One NVML call's outcome: its return code, and the value when the code is SUCCESS. */
public record Reading<T>(int status, T value) {
  public static <T> Reading<T> ok(T value) {
    return new Reading<>(NvmlReturn.SUCCESS, value);
  }

  public static <T> Reading<T> failed(int status) {
    return new Reading<>(status, null);
  }

  public boolean ok() {
    return status == NvmlReturn.SUCCESS && value != null;
  }

  public T orNull() {
    return ok() ? value : null;
  }
}
