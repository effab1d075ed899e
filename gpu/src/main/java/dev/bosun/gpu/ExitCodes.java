package dev.bosun.gpu;

/**
 * The exit codes of every Bosun process: {@code bosun} and its commands, the node agent's own main
 * and this module's standalone tools ({@code Inspect}, {@code Compare}, {@code Probe}, for GPU
 * machines without the CLI). They live here because this module depends on nothing and every module
 * with an entry point sees it; they agree with picocli's own (0 ok, 1 software error, 2 usage).
 */
public final class ExitCodes {

  public static final int OK = 0;

  /** Could not do it: an internal error, an unreachable cluster, a port in use. */
  public static final int FAILED = 1;

  /** The input is wrong: options, files, a request the cluster refuses as invalid. */
  public static final int INVALID_INPUT = 2;

  /** What the command looks at is not there: no GPU to inspect, no local cluster running. */
  public static final int UNAVAILABLE = 3;

  private ExitCodes() {}
}
