package dev.bosun.scaler;

/** A pod by namespace and name, as the node agent labels the GPUs a pod holds. */
public record PodKey(String namespace, String name) {
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
