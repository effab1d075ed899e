package dev.bosun.mcp.guard;

import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.compiler.manifest.TierCatalog;
import dev.bosun.testkit.Crds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the guardrails read on the local cluster: the CRDs they use and the default tiers. */
final class GuardrailsCluster {
  static final Path DEPLOY = Path.of("../deploy");
  static final String FIELD_MANAGER = "bosun-tests";

  private GuardrailsCluster() {}

  static void install(KubernetesClient admin) {
    for (String crd :
        List.of(
            "deploymentagentpolicies.bosun.dev-v1.yml",
            "environments.bosun.dev-v1.yml",
            "tiers.bosun.dev-v1.yml",
            "workloads.bosun.dev-v1.yml")) {
      Crds.apply(admin, DEPLOY.resolve("crds").resolve(crd));
    }
    for (Tier tier : TierCatalog.defaults().all()) {
      admin.resource(tier).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
  }

  /** Server-side applies every object of a file under deploy/. */
  static void apply(KubernetesClient admin, String file) {
    try (InputStream in = Files.newInputStream(DEPLOY.resolve(file))) {
      for (HasMetadata object : admin.load(in).items()) {
        String namespace = object.getMetadata().getNamespace();
        var resource =
            namespace == null
                ? admin.resource(object)
                : admin.resource(object).inNamespace(namespace);
        resource.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
