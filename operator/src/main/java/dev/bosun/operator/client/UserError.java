package dev.bosun.operator.client;

/**
 * A request the cluster's state or the user's input makes impossible: said in one line, exit code
 * 2.
 */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }
}
