package dev.bosun.operator;

import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.compiler.Labels;
import dev.bosun.compiler.Names;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies a Workload's compiled objects and removes the ones it no longer compiles to.
 *
 * <p>Everything goes through server-side apply under one field manager, with force: Bosun owns the
 * fields it sets (a hand edit of one of them is put back on the next apply), and fields it never
 * sets (an autoscaler's replica count, another controller's annotations) stay with their owners.
 */
public final class Children {
  public static final String FIELD_MANAGER = "bosun-operator";

  private final KubernetesClient client;

  public Children(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Applies every object with the Workload as its controlling owner, so deleting the Workload
   * deletes them; returns them as the server stored them.
   */
  public List<HasMetadata> apply(Workload workload, List<HasMetadata> objects) {
    OwnerReference owner = ownerReference(workload);
    List<HasMetadata> applied = new ArrayList<>();
    for (HasMetadata object : objects) {
      object.getMetadata().setOwnerReferences(List.of(owner));
      object.getMetadata().setNamespace(workload.getMetadata().getNamespace());
      applied.add(
          client.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply());
    }
    return applied;
  }

  /**
   * Deletes what this Workload owns (by label and owner reference) but no longer compiles to: an
   * autoscaler after {@code min == max}, a claim template after a move to a CPU tier.
   *
   * @return the keys ({@link ChildKinds#key}) of the objects deleted
   */
  public List<String> prune(Workload workload, List<HasMetadata> desired) {
    Set<String> wanted = desired.stream().map(ChildKinds::key).collect(Collectors.toSet());
    String namespace = workload.getMetadata().getNamespace();
    String uid = workload.getMetadata().getUid();
    List<String> deleted = new ArrayList<>();
    for (Class<? extends HasMetadata> kind : ChildKinds.ALL) {
      var existing =
          client
              .resources(kind)
              .inNamespace(namespace)
              .withLabel(Labels.WORKLOAD, Names.labelValue(workload.getMetadata().getName()))
              .list()
              .getItems();
      for (HasMetadata object : existing) {
        boolean ours =
            object.getMetadata().getOwnerReferences().stream()
                .anyMatch(r -> uid.equals(r.getUid()));
        if (ours && !wanted.contains(ChildKinds.key(object))) {
          client.resource(object).delete();
          deleted.add(ChildKinds.key(object));
        }
      }
    }
    return deleted;
  }

  static OwnerReference ownerReference(Workload workload) {
    return new OwnerReferenceBuilder()
        .withApiVersion(workload.getApiVersion())
        .withKind(workload.getKind())
        .withName(workload.getMetadata().getName())
        .withUid(workload.getMetadata().getUid())
        // blockOwnerDeletion is left out: it would need update on workloads/finalizers for no gain
        // here.
        .withController(true)
        .build();
  }
}
