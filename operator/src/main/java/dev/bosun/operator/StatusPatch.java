package dev.bosun.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;

/** What a reconciler sends to write a status: the object's name and namespace, and the status. */
final class StatusPatch {
  private StatusPatch() {}

  /**
   * {@code empty} with the primary's name and namespace and the new status, nothing else: a
   * server-side apply of the status owns only the fields it sends.
   */
  static <S, P extends CustomResource<?, S>> P of(P primary, P empty, S status) {
    empty.setMetadata(
        new ObjectMetaBuilder()
            .withName(primary.getMetadata().getName())
            .withNamespace(primary.getMetadata().getNamespace())
            .build());
    empty.setStatus(status);
    return empty;
  }
}
