package dev.bosun.router;

import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Sandboxes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every Sandbox in the cluster, from one informer (all namespaces), indexed by token hash; and
 * waiting for a sandbox to change, woken by the informer's events rather than by polling.
 */
final class SandboxDirectory implements SandboxLookup, AutoCloseable {
  private static final String BY_TOKEN_HASH = "token-sha256";

  private final SharedIndexInformer<Sandbox> informer;
  private final Map<String, CompletableFuture<Void>> changes = new ConcurrentHashMap<>();

  /**
   * {@code onChange}: told of every Sandbox added or updated (the waker forgets finished wakes).
   */
  SandboxDirectory(KubernetesClient client, Consumer<Sandbox> onChange) {
    informer = client.resources(Sandbox.class).inAnyNamespace().runnableInformer(0);
    informer.itemStore(new SlimStore());
    informer.addIndexers(
        Map.of(
            BY_TOKEN_HASH,
            sandbox -> {
              String hash =
                  sandbox.getMetadata().getAnnotations() == null
                      ? null
                      : sandbox.getMetadata().getAnnotations().get(Sandboxes.TOKEN_SHA256);
              return hash == null ? List.of() : List.of(hash.toLowerCase(Locale.ROOT));
            }));
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Sandbox sandbox) {
            changed(sandbox);
            onChange.accept(sandbox);
          }

          @Override
          public void onUpdate(Sandbox before, Sandbox after) {
            changed(after);
            onChange.accept(after);
          }

          @Override
          public void onDelete(Sandbox sandbox, boolean finalStateUnknown) {
            changed(sandbox);
          }
        });
  }

  /** Starts watching; the returned stage completes when the cache is filled. */
  CompletableFuture<Void> start() {
    return informer.start().toCompletableFuture();
  }

  @Override
  public boolean synced() {
    // Listed once is enough: while the watch reconnects the cache still holds every Sandbox.
    return informer.hasSynced();
  }

  @Override
  public Sandbox get(SandboxKey key) {
    return informer.getIndexer().getByKey(key.toString());
  }

  @Override
  public List<SandboxKey> withTokenHash(String hash) {
    return informer.getIndexer().byIndex(BY_TOKEN_HASH, hash).stream()
        .map(s -> new SandboxKey(s.getMetadata().getNamespace(), s.getMetadata().getName()))
        .toList();
  }

  @Override
  public SandboxView awaitSettled(SandboxKey key, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      CompletableFuture<Void> next =
          changes.computeIfAbsent(key.toString(), k -> new CompletableFuture<>());
      // Read after registering, so that a change between the two is not missed.
      SandboxView view = SandboxView.of(get(key));
      if (!(view instanceof SandboxView.Starting || view instanceof SandboxView.Suspended)) {
        return view;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) return view;
      try {
        next.get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return SandboxView.of(get(key));
      } catch (ExecutionException e) {
        throw new IllegalStateException("a change signal never fails", e);
      }
    }
  }

  private void changed(Sandbox sandbox) {
    String key = Cache.metaNamespaceKeyFunc(sandbox);
    CompletableFuture<Void> waiting = changes.remove(key);
    if (waiting != null) waiting.complete(null);
  }

  @Override
  public void close() {
    informer.close();
  }

  /**
   * Keeps what the router reads (metadata for the token hash, the spec's mode, the status' address
   * and conditions) and drops the managed fields, which are most of a Sandbox's bytes: the cache
   * holds every Sandbox of the cluster.
   */
  private static final class SlimStore implements ItemStore<Sandbox> {
    private final BasicItemStore<Sandbox> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

    @Override
    public String getKey(Sandbox sandbox) {
      return store.getKey(sandbox);
    }

    @Override
    public Sandbox put(String key, Sandbox sandbox) {
      sandbox.getMetadata().setManagedFields(null);
      return store.put(key, sandbox);
    }

    @Override
    public Sandbox remove(String key) {
      return store.remove(key);
    }

    @Override
    public Stream<String> keySet() {
      return store.keySet();
    }

    @Override
    public Stream<Sandbox> values() {
      return store.values();
    }

    @Override
    public int size() {
      return store.size();
    }

    @Override
    public Sandbox get(String key) {
      return store.get(key);
    }
  }
}
