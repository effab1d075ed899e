package dev.bosun.operator;

import dev.bosun.api.v1alpha1.ChildReference;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one way a reconciler makes its objects: it hands over everything it compiled and what it
 * applied last time (the owner's inventory, kept in its status), and gets back what the server
 * stored and the inventory to record.
 *
 * <p>Everything goes through server-side apply under one field manager, with force: Bosun owns the
 * fields it sets (a hand edit of one of them is put back on the next apply), and fields it never
 * sets (an autoscaler's replica count, another controller's annotations) stay with their owners.
 *
 * <p>Namespaced objects (in the owner's namespace unless they name their own) get the owner as
 * their controlling owner reference, so deleting the owner deletes them, and are listed in the
 * inventory, so an object the owner no longer compiles to is deleted by name: no list of every kind
 * is needed to find it. Cluster-scoped objects (an Environment's Namespace) are applied but never
 * owned or deleted: deleting a namespace would take everything in it.
 */
public final class Children {
  public static final String FIELD_MANAGER = "bosun-operator";

  private final KubernetesClient client;

  public Children(KubernetesClient client) {
    this.client = client;
  }

  /**
   * What one reconcile applied.
   *
   * @param stored the desired objects as the server stored them, in the order given
   * @param inventory the owned objects, to be recorded in the owner's status
   */
  public record Applied(List<HasMetadata> stored, List<ChildReference> inventory) {}

  /**
   * Applies every desired object, then deletes each object of the previous inventory that is no
   * longer desired.
   *
   * @param previous the inventory of the last successful reconcile; empty for a new owner
   */
  public Applied reconcile(
      HasMetadata owner, List<HasMetadata> desired, Collection<ChildReference> previous) {
    OwnerReference ownerReference = controllerReference(owner);
    List<HasMetadata> stored = new ArrayList<>(desired.size());
    Set<ChildReference> inventory = new LinkedHashSet<>();
    for (HasMetadata object : desired) {
      if (object instanceof Namespaced) {
        if (object.getMetadata().getNamespace() == null) {
          object.getMetadata().setNamespace(owner.getMetadata().getNamespace());
        }
        object.getMetadata().setOwnerReferences(List.of(ownerReference));
        inventory.add(reference(object));
      }
      stored.add(reconcile(owner, reference(object), object));
    }
    for (ChildReference dropped : previous) {
      if (!inventory.contains(dropped)) {
        reconcile(owner, dropped, null);
      }
    }
    return new Applied(List.copyOf(stored), List.copyOf(inventory));
  }

  /**
   * Makes one child what is desired: applies it, or deletes it when {@code desired} is null (only
   * if this owner controls it: an object someone else made under the same name stays).
   *
   * @return the object as the server stored it, or null after a delete
   */
  public HasMetadata reconcile(HasMetadata owner, ChildReference child, HasMetadata desired) {
    if (desired != null) {
      return client
          .resource(desired)
          .fieldManager(FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
    }
    var existing =
        client
            .genericKubernetesResources(child.apiVersion(), child.kind())
            .inNamespace(child.namespace())
            .withName(child.name());
    GenericKubernetesResource current = existing.get();
    if (current != null && isControlledBy(current, owner)) {
      existing.delete();
    }
    return null;
  }

  /** An object as an inventory lists it. */
  public static ChildReference reference(HasMetadata object) {
    return new ChildReference(
        object.getApiVersion(),
        object.getKind(),
        object.getMetadata().getNamespace(),
        object.getMetadata().getName());
  }

  /** The owner reference that makes {@code owner} the object's controller. */
  public static OwnerReference controllerReference(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        // blockOwnerDeletion is left out: it would need update on the owner's finalizers for no
        // gain here.
        .withController(true)
        .build();
  }

  private static boolean isControlledBy(HasMetadata object, HasMetadata owner) {
    return object.getMetadata().getOwnerReferences().stream()
        .anyMatch(
            r ->
                Boolean.TRUE.equals(r.getController())
                    && owner.getMetadata().getUid().equals(r.getUid()));
  }
}
