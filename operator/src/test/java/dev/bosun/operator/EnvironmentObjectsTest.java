package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentSpecBuilder;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierQuota;
import dev.bosun.compiler.manifest.TierCatalog;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EnvironmentObjectsTest {
  private static final Map<String, Tier> TIERS =
      TierCatalog.defaults().all().stream()
          .collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t));

  private static Environment environment(List<TierQuota> quotas) {
    var environment = new Environment();
    environment.setMetadata(new ObjectMetaBuilder().withName("production").build());
    environment.setSpec(
        new EnvironmentSpecBuilder().withNamespace("prod").withQuotas(quotas).build());
    return environment;
  }

  @Test
  void theNamespaceEnforcesAuditsAndWarnsRestricted() {
    Namespace namespace = (Namespace) EnvironmentObjects.build(environment(null), TIERS).getFirst();
    assertThat(namespace.getMetadata().getName()).isEqualTo("prod");
    assertThat(namespace.getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
        .containsEntry("pod-security.kubernetes.io/audit", "restricted")
        .containsEntry("pod-security.kubernetes.io/warn", "restricted");
  }

  @Test
  void gpuTierQuotasAddUpPerDeviceClassAndCpuTiersAreNotCounted() {
    var quotas =
        List.of(
            new TierQuota("gpu-m", 16),
            new TierQuota("gpu-xl", 4),
            new TierQuota("cpu-m", 50),
            new TierQuota("gpu-s", 8));
    var hard = EnvironmentObjects.gpuQuota(environment(quotas), TIERS);
    var gpuS = TIERS.get("gpu-s").getSpec().gpu();
    String sharedResource = EnvironmentObjects.quotaResource(gpuS);
    assertThat(hard.get("gpu.nvidia.com.deviceclass.resource.k8s.io/devices").toString())
        .isEqualTo(
            Long.toString(
                16
                    + 4 * 8
                    + (sharedResource.startsWith("gpu.nvidia.com.") ? 8L * gpuS.count() : 0)));
    assertThat(hard).containsKey(sharedResource);
    assertThat(hard.keySet())
        .allMatch(
            k -> k.endsWith(".deviceclass.resource.k8s.io/devices") || k.startsWith("requests."));
  }

  @Test
  void noGpuQuotaMeansNoResourceQuota() {
    assertThat(EnvironmentObjects.build(environment(List.of(new TierQuota("cpu-m", 5))), TIERS))
        .noneMatch(o -> o instanceof ResourceQuota);
  }
}
