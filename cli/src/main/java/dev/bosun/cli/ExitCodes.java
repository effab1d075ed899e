package dev.bosun.cli;

/** The CLI's exit codes. */
final class ExitCodes {
  static final int OK = 0;
  static final int INTERNAL_ERROR = 1;
  static final int INVALID_INPUT = 2;

  private ExitCodes() {}
}
