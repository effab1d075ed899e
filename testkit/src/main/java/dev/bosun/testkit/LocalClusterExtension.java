package dev.bosun.testkit;

import dev.bosun.localcluster.CpuFleet;
import dev.bosun.localcluster.GpuFleet;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs tests on the local cluster: one cluster per test run, started by the first test class that
 * needs it and stopped when the run ends (the root context's store closes it), and a fresh
 * namespace per test.
 *
 * <p>Test methods and constructors can take a {@link KubernetesClient} (whose default namespace is
 * the test's), the {@link TestNamespace}, the {@link GpuFleet}, the {@link CpuFleet} or the {@link
 * SharedCluster}.
 */
public final class LocalClusterExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(LocalClusterExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    shared(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    var client = shared(context).client();
    String name = namespaceName(context);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("bosun.dev/test", "true")
                .endMetadata()
                .build())
        .create();
    context.getStore(STORE).put(TestNamespace.class, new TestNamespace(name));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    var namespace = context.getStore(STORE).remove(TestNamespace.class, TestNamespace.class);
    if (namespace != null) {
      // The namespace controller finishes the deletion in the background.
      shared(context).client().namespaces().withName(namespace.name()).delete();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == KubernetesClient.class
        || type == TestNamespace.class
        || type == GpuFleet.class
        || type == CpuFleet.class
        || type == SharedCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    var shared = shared(context);
    if (type == SharedCluster.class) {
      return shared;
    }
    if (type == GpuFleet.class) {
      return shared.fleet();
    }
    if (type == CpuFleet.class) {
      return shared.cpuFleet();
    }
    var namespace = context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
    if (type == TestNamespace.class) {
      return namespace;
    }
    return namespace == null
        ? shared.client()
        : shared.client().adapt(NamespacedKubernetesClient.class).inNamespace(namespace.name());
  }

  /** The run's cluster, in the root store so that every test class shares it. */
  private static SharedCluster shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(
            SharedCluster.class,
            key -> SharedCluster.start(line -> System.err.println("[local cluster] " + line)),
            SharedCluster.class);
  }

  /** {@code t-<test method>-<random>}, within the 63 characters a namespace name may have. */
  static String namespaceName(ExtensionContext context) {
    String method = context.getTestMethod().map(m -> m.getName()).orElse("test");
    String slug =
        method
            .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9-]", "-")
            .replaceAll("-+", "-");
    slug = slug.substring(0, Math.min(slug.length(), 48)).replaceAll("-$", "");
    return "t-"
        + slug
        + "-"
        + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
  }
}
