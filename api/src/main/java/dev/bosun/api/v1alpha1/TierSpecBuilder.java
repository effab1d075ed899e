package dev.bosun.api.v1alpha1;

import java.util.List;

/**
 * Builds a {@link TierSpec} by name: from nothing, or from an existing spec to change a few fields.
 * Components left unset stay null (absent).
 */
public final class TierSpecBuilder {
  private String description;
  private TierResources resources;
  private TierGpu gpu;
  private Placement placement;
  private String runtimeClassName;
  private List<ScalingPolicy> scaling;
  private List<WorkloadType> workloadTypes;
  private String costPerHour;

  public TierSpecBuilder() {}

  public TierSpecBuilder(TierSpec spec) {
    description = spec.description();
    resources = spec.resources();
    gpu = spec.gpu();
    placement = spec.placement();
    runtimeClassName = spec.runtimeClassName();
    scaling = spec.scaling();
    workloadTypes = spec.workloadTypes();
    costPerHour = spec.costPerHour();
  }

  public TierSpecBuilder withDescription(String description) {
    this.description = description;
    return this;
  }

  public TierSpecBuilder withResources(TierResources resources) {
    this.resources = resources;
    return this;
  }

  public TierSpecBuilder withGpu(TierGpu gpu) {
    this.gpu = gpu;
    return this;
  }

  public TierSpecBuilder withPlacement(Placement placement) {
    this.placement = placement;
    return this;
  }

  public TierSpecBuilder withRuntimeClassName(String runtimeClassName) {
    this.runtimeClassName = runtimeClassName;
    return this;
  }

  public TierSpecBuilder withScaling(List<ScalingPolicy> scaling) {
    this.scaling = scaling;
    return this;
  }

  public TierSpecBuilder withWorkloadTypes(List<WorkloadType> workloadTypes) {
    this.workloadTypes = workloadTypes;
    return this;
  }

  public TierSpecBuilder withCostPerHour(String costPerHour) {
    this.costPerHour = costPerHour;
    return this;
  }

  public TierSpec build() {
    return new TierSpec(
        description,
        resources,
        gpu,
        placement,
        runtimeClassName,
        scaling,
        workloadTypes,
        costPerHour);
  }
}
