package dev.bosun.scaler;

/** A Ready pod's IP (a literal) and the Workload's port on it. */
public record PodAddress(String ip, int port) {}
