package dev.bosun.localcluster;

/** The local cluster did not start; the message names the component and the log to read. */
public final class ClusterStartException extends RuntimeException {

  public ClusterStartException(String message) {
    super(message);
  }
}
