package dev.bosun.rules;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

/** One of each thing pure code may not do, for the test that the purity rule catches them. */
final class Impure {
  private Impure() {}

  static Instant clock() {
    return Instant.now();
  }

  static String environment() {
    return System.getenv("HOME");
  }

  static String client(KubernetesClient client) {
    return client.getNamespace();
  }

  static String file(Path path) throws IOException {
    return Files.readString(path);
  }

  static void thread() {
    new Thread(() -> {}).start();
  }

  static void executor(ExecutorService executor) {
    executor.shutdown();
  }

  static UUID random() {
    return UUID.randomUUID();
  }
}
