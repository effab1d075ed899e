package dev.bosun.api.v1alpha1;

/** What happens to a sandbox when its TTL runs out (agent-sandbox's {@code shutdownPolicy}). */
public enum ShutdownPolicy {
  /** The Sandbox is deleted, and its volume with it. */
  Delete,
  /** The Sandbox is suspended and marked Expired; its volume and identity are kept. */
  Retain
}
