package dev.bosun.router;

/** A sandbox by namespace and name; {@link #toString} is the informer's key. */
public record SandboxKey(String namespace, String name) {
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
