package dev.bosun.operator.client;

import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;

/**
 * Lists answered from the API server's watch cache as it stands ({@code resourceVersion=0}), not
 * after the cache has caught up with etcd.
 *
 * <p>A list without a resourceVersion is a consistent read: the API server answers it from its
 * watch cache once the cache has seen etcd's latest revision, and after a write to any other
 * resource it first waits for a progress notification from etcd. On the local cluster that wait was
 * 60 to 100 ms a list, and it set the latency of every MCP call, whose audit Event is such a write.
 * A view (a status, the tier catalog, the policies a call is checked against) takes the cache as it
 * stands, milliseconds behind; a read that counts against a budget stays consistent.
 */
public final class WatchCache {
  private WatchCache() {}

  /** Options for a list served from the watch cache as it stands. */
  public static ListOptions asItStands() {
    return new ListOptionsBuilder().withResourceVersion("0").build();
  }
}
