package dev.bosun.scaler;

/**
 * A Ready pod of a Workload: which pod, the node it runs on (whose agent reports its GPUs; null
 * only when the pod names none, which a Ready pod in a cluster always does) and where its server
 * listens.
 */
public record ReadyPod(PodKey pod, String node, PodAddress address) {}
