package dev.bosun.localcluster;

/** The replica the model-server tests serve: pod chat-7d9-x2 of Workload chat in team. */
final class TestReplicas {
  private TestReplicas() {}

  /** The replica, its stand-in behaving as {@code behaviour}. */
  static ModelServerPlan.Replica chat(StandInBehaviour behaviour) {
    return new ModelServerPlan.Replica(
        "uid-1",
        "team",
        "chat-7d9-x2",
        "chat",
        new PodEndpoint("10.0.0.9", 8000),
        4000,
        1,
        behaviour);
  }
}
