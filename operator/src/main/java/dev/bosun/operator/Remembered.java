package dev.bosun.operator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a reconciler remembers across reconciliations that is only a shortcut (the API server holds
 * the truth): at most so many entries, the eldest forgotten first, safe to share between threads.
 */
final class Remembered {
  private Remembered() {}

  static <K, V> Map<K, V> atMost(int entries) {
    return Collections.synchronizedMap(
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > entries;
          }
        });
  }
}
