package dev.bosun.router;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Positive access reviews, for a short time: a caller allowed to a sandbox a moment ago is not
 * reviewed again on every request. Bounded: past {@code capacity} entries the least recently used
 * goes. Keys are token hashes with the sandbox or Workload, never tokens. Refusals are not kept, so
 * a grant takes effect at once; a revocation takes up to {@code ttl}.
 */
final class ReviewCache {
  static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  static final int DEFAULT_CAPACITY = 10_000;

  private final long ttlNanos;
  private final Map<String, Long> expiries;

  ReviewCache(int capacity, Duration ttl) {
    this.ttlNanos = ttl.toNanos();
    this.expiries =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > capacity;
          }
        };
  }

  static String key(String tokenHash, KubeReviews.Target target) {
    return tokenHash + " " + target.resource() + " " + target;
  }

  /** Whether {@code key} was allowed less than the TTL before {@code nowNanos}. */
  synchronized boolean allowed(String key, long nowNanos) {
    Long expiry = expiries.get(key);
    if (expiry == null) return false;
    if (nowNanos - expiry >= 0) {
      expiries.remove(key);
      return false;
    }
    return true;
  }

  synchronized void allow(String key, long nowNanos) {
    expiries.put(key, nowNanos + ttlNanos);
  }

  synchronized int size() {
    return expiries.size();
  }
}
