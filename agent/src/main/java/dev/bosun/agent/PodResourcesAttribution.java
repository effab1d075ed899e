package dev.bosun.agent;

import dev.bosun.agent.podresources.ContainerDevices;
import dev.bosun.agent.podresources.ContainerResources;
import dev.bosun.agent.podresources.ListPodResourcesResponse;
import dev.bosun.agent.podresources.PodResources;
import dev.bosun.gpu.metrics.GpuHolder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * <b>Pure</b>: which pods (and containers) hold which GPUs, from the kubelet's pod-resources List:
 * the devices of NVIDIA's device plugin ({@value #GPU_RESOURCE}, and its MIG resources {@code
 * nvidia.com/mig-<profile>}), whose device IDs are the GPUs' (or MIG instances') UUIDs. With
 * time-slicing the plugin hands out replicas named {@code <uuid>::<n>}; each is the GPU {@code
 * <uuid>}, so every pod given a replica holds it.
 */
final class PodResourcesAttribution {

  static final String GPU_RESOURCE = "nvidia.com/gpu";
  static final String MIG_RESOURCE_PREFIX = "nvidia.com/mig-";
  private static final String REPLICA_SEPARATOR = "::";

  private PodResourcesAttribution() {}

  /** The holders of each device, by UUID, each list sorted by namespace, pod and container. */
  static Map<String, List<GpuHolder>> holders(ListPodResourcesResponse list) {
    Map<String, List<GpuHolder>> byUuid = new HashMap<>();
    for (PodResources pod : list.getPodResourcesList()) {
      for (ContainerResources container : pod.getContainersList()) {
        GpuHolder holder = new GpuHolder(pod.getNamespace(), pod.getName(), container.getName());
        for (ContainerDevices devices : container.getDevicesList()) {
          if (!isNvidia(devices.getResourceName())) continue;
          for (String id : devices.getDeviceIdsList()) {
            List<GpuHolder> holders = byUuid.computeIfAbsent(uuidOf(id), _ -> new ArrayList<>());
            if (!holders.contains(holder)) holders.add(holder);
          }
        }
      }
    }
    Map<String, List<GpuHolder>> frozen = new HashMap<>();
    byUuid.forEach(
        (uuid, holders) -> {
          holders.sort(
              Comparator.comparing(GpuHolder::namespace)
                  .thenComparing(GpuHolder::pod)
                  .thenComparing(GpuHolder::container));
          frozen.put(uuid, List.copyOf(holders));
        });
    return Map.copyOf(frozen);
  }

  private static boolean isNvidia(String resource) {
    return resource.equals(GPU_RESOURCE) || resource.startsWith(MIG_RESOURCE_PREFIX);
  }

  private static String uuidOf(String deviceId) {
    int replica = deviceId.indexOf(REPLICA_SEPARATOR);
    return replica < 0 ? deviceId : deviceId.substring(0, replica);
  }
}
