package dev.bosun.router;

import dev.bosun.api.v1alpha1.Sandbox;
import java.time.Duration;
import java.util.List;

/** The Sandboxes as the router knows them: {@link SandboxDirectory} in production. */
interface SandboxLookup {
  /** The sandbox, or null. */
  Sandbox get(SandboxKey key);

  /** The sandboxes whose token hash annotation is {@code hash} (lower-case hex). */
  List<SandboxKey> withTokenHash(String hash);

  /**
   * The sandbox's view once it is neither {@link SandboxView.Starting} nor {@link
   * SandboxView.Suspended}, or its last view when {@code within} runs out first.
   */
  SandboxView awaitSettled(SandboxKey key, Duration within) throws InterruptedException;

  /** Whether the view is complete (the informer has listed every Sandbox). */
  boolean synced();
}
