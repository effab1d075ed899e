package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReviewCacheTest {
  @Test
  void keepsAnAllowanceForTheTtlOnly() {
    ReviewCache cache = new ReviewCache(10, Duration.ofSeconds(10));
    cache.allow("k", 0);
    assertThat(cache.allowed("k", Duration.ofSeconds(9).toNanos())).isTrue();
    assertThat(cache.allowed("k", Duration.ofSeconds(10).toNanos())).isFalse();
    assertThat(cache.size()).isZero();
  }

  @Test
  void isBoundedDroppingTheLeastRecentlyUsed() {
    ReviewCache cache = new ReviewCache(2, Duration.ofSeconds(10));
    cache.allow("a", 0);
    cache.allow("b", 0);
    assertThat(cache.allowed("a", 1)).isTrue();
    cache.allow("c", 0);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.allowed("b", 1)).isFalse();
    assertThat(cache.allowed("a", 1)).isTrue();
  }
}
