package dev.bosun.testkit;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Job pods on the local cluster run until annotated {@value #EXIT_ANNOTATION} with an exit code
 * (the stages in localcluster's {@code kwok-stages.yaml}); this tells them.
 */
public final class SimulatedJobs {
  public static final String EXIT_ANNOTATION = "bosun.dev/simulated-exit";

  private SimulatedJobs() {}

  /** Every container of the pod exits with {@code code}: Succeeded for 0, Failed otherwise. */
  public static void exit(KubernetesClient client, Pod pod, int code) {
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            """
            {"metadata":{"annotations":{"%s":"%d"}}}"""
                .formatted(EXIT_ANNOTATION, code));
  }

  /** Lets every running Job pod of the client's namespace that was not told yet exit 0. */
  public static void finishRunning(KubernetesClient client) {
    client
        .pods()
        .withLabel("batch.kubernetes.io/job-name")
        .withField("status.phase", "Running")
        .list()
        .getItems()
        .stream()
        .filter(pod -> !pod.getMetadata().getAnnotations().containsKey(EXIT_ANNOTATION))
        .forEach(pod -> exit(client, pod, 0));
  }
}
