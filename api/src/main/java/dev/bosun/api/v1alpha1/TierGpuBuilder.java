package dev.bosun.api.v1alpha1;

import java.util.List;

/**
 * Builds a {@link TierGpu} by name: from nothing, or from an existing one to change a few fields.
 * Components left unset stay null (absent).
 */
public final class TierGpuBuilder {
  private Integer count;
  private GpuAllocation allocation;
  private GpuSharing sharing;
  private String migProfile;
  private String minMemory;
  private List<String> products;
  private List<String> selectors;
  private String deviceClassName;
  private String devicePluginResource;

  public TierGpuBuilder() {}

  public TierGpuBuilder(TierGpu gpu) {
    count = gpu.count();
    allocation = gpu.allocation();
    sharing = gpu.sharing();
    migProfile = gpu.migProfile();
    minMemory = gpu.minMemory();
    products = gpu.products();
    selectors = gpu.selectors();
    deviceClassName = gpu.deviceClassName();
    devicePluginResource = gpu.devicePluginResource();
  }

  public TierGpuBuilder withCount(Integer count) {
    this.count = count;
    return this;
  }

  public TierGpuBuilder withAllocation(GpuAllocation allocation) {
    this.allocation = allocation;
    return this;
  }

  public TierGpuBuilder withSharing(GpuSharing sharing) {
    this.sharing = sharing;
    return this;
  }

  public TierGpuBuilder withMigProfile(String migProfile) {
    this.migProfile = migProfile;
    return this;
  }

  public TierGpuBuilder withMinMemory(String minMemory) {
    this.minMemory = minMemory;
    return this;
  }

  public TierGpuBuilder withProducts(List<String> products) {
    this.products = products;
    return this;
  }

  public TierGpuBuilder withSelectors(List<String> selectors) {
    this.selectors = selectors;
    return this;
  }

  public TierGpuBuilder withDeviceClassName(String deviceClassName) {
    this.deviceClassName = deviceClassName;
    return this;
  }

  public TierGpuBuilder withDevicePluginResource(String devicePluginResource) {
    this.devicePluginResource = devicePluginResource;
    return this;
  }

  public TierGpu build() {
    return new TierGpu(
        count,
        allocation,
        sharing,
        migProfile,
        minMemory,
        products,
        selectors,
        deviceClassName,
        devicePluginResource);
  }
}
