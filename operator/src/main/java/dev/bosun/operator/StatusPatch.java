package dev.bosun.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Objects;

/**
 * How a reconciler writes a status: a server-side apply of the status alone, and what the server
 * returned put in the controller's cache.
 *
 * <p>The cache is the point. A status-only change wakes none of Bosun's reconcilers (they are
 * generation-aware or filter such events), so the watch's copy of a primary can lag what the last
 * reconcile wrote. A reconcile that read that older copy would compute the status it already shows,
 * skip the write, and leave the server with the one before: a Sandbox once stayed PodStarting after
 * its replacement pod was Ready (same node, same IP, same second as the first).
 */
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

  /** Writes {@code status} unless the primary shows it already; never asks JOSDK to write. */
  static <S, P extends CustomResource<?, S>> UpdateControl<P> applyIfChanged(
      P primary, P empty, S status, Context<P> context) {
    if (!Objects.equals(status, primary.getStatus())) {
      apply(primary, empty, status, context);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * Applies the status under the controller's field manager, forcing (the operator owns its status
   * fields), and caches the result for the next reconcile of this primary. No resourceVersion is
   * sent: the status is the operator's view now, and a conflict would only delay it.
   */
  static <S, P extends CustomResource<?, S>> void apply(
      P primary, P empty, S status, Context<P> context) {
    P written =
        context
            .getClient()
            .resource(of(primary, empty, status))
            .subresource("status")
            .patch(
                new PatchContext.Builder()
                    .withPatchType(PatchType.SERVER_SIDE_APPLY)
                    .withFieldManager(context.getControllerConfiguration().fieldManager())
                    .withForce(true)
                    .build());
    context
        .eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(primary), written, primary);
  }
}
