package dev.bosun.gpu.nvml;

/** NVML's return codes ({@code nvmlReturn_t}) that this module acts on or reports. */
public final class NvmlReturn {
  public static final int SUCCESS = 0;
  public static final int UNINITIALIZED = 1;
  public static final int NOT_SUPPORTED = 3;
  public static final int NO_PERMISSION = 4;
  public static final int NOT_FOUND = 6;
  public static final int DRIVER_NOT_LOADED = 9;
  public static final int TIMEOUT = 10;
  public static final int LIBRARY_NOT_FOUND = 12;
  public static final int FUNCTION_NOT_FOUND = 13;
  public static final int GPU_IS_LOST = 15;
  public static final int RESET_REQUIRED = 16;
  public static final int UNKNOWN = 999;

  private NvmlReturn() {}

  public static String name(int code) {
    return switch (code) {
      case 0 -> "SUCCESS";
      case 1 -> "UNINITIALIZED";
      case 2 -> "INVALID_ARGUMENT";
      case 3 -> "NOT_SUPPORTED";
      case 4 -> "NO_PERMISSION";
      case 5 -> "ALREADY_INITIALIZED";
      case 6 -> "NOT_FOUND";
      case 7 -> "INSUFFICIENT_SIZE";
      case 8 -> "INSUFFICIENT_POWER";
      case 9 -> "DRIVER_NOT_LOADED";
      case 10 -> "TIMEOUT";
      case 11 -> "IRQ_ISSUE";
      case 12 -> "LIBRARY_NOT_FOUND";
      case 13 -> "FUNCTION_NOT_FOUND";
      case 14 -> "CORRUPTED_INFOROM";
      case 15 -> "GPU_IS_LOST";
      case 16 -> "RESET_REQUIRED";
      case 17 -> "OPERATING_SYSTEM";
      case 18 -> "LIB_RM_VERSION_MISMATCH";
      case 19 -> "IN_USE";
      case 999 -> "UNKNOWN";
      default -> "NVML_ERROR_" + code;
    };
  }

  /**
   * Codes that say the GPU or the driver is in trouble, as opposed to "this board lacks the
   * feature".
   */
  public static boolean meansTrouble(int code) {
    return code == GPU_IS_LOST
        || code == RESET_REQUIRED
        || code == DRIVER_NOT_LOADED
        || code == UNKNOWN
        || code == UNINITIALIZED;
  }
}
