package dev.bosun.scaler;

/** A Workload by namespace and name; {@link #toString} is the informers' key. */
public record WorkloadKey(String namespace, String name) {
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
