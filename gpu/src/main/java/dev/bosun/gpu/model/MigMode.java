package dev.bosun.gpu.model;

/** Multi-Instance GPU mode, current and pending (a change takes effect at the next reset). */
public record MigMode(State current, State pending) {
  public enum State {
    DISABLED,
    ENABLED,
    NOT_SUPPORTED
  }

  public static final MigMode DISABLED = new MigMode(State.DISABLED, State.DISABLED);
  public static final MigMode NOT_SUPPORTED = new MigMode(State.NOT_SUPPORTED, State.NOT_SUPPORTED);
}
