package dev.bosun.api.v1alpha1;

import java.util.List;
import java.util.Map;

/**
 * Builds a {@link WorkloadSpec} by name, the way fabric8 builds Kubernetes objects: from nothing,
 * or from an existing spec to change a few fields. Components left unset stay null (absent).
 */
public final class WorkloadSpecBuilder {
  private WorkloadType type;
  private String image;
  private String size;
  private List<String> command;
  private List<String> args;
  private List<EnvVar> env;
  private Integer port;
  private Replicas replicas;
  private ScaleOn scaleOn;
  private Health health;
  private Integer parallelism;
  private Integer completions;
  private ModelCache modelCache;
  private Checkpoints checkpoints;
  private Exposure exposure;
  private List<EgressRule> egress;
  private Map<String, String> labels;
  private WorkloadSlo slo;

  public WorkloadSpecBuilder() {}

  public WorkloadSpecBuilder(WorkloadSpec spec) {
    type = spec.type();
    image = spec.image();
    size = spec.size();
    command = spec.command();
    args = spec.args();
    env = spec.env();
    port = spec.port();
    replicas = spec.replicas();
    scaleOn = spec.scaleOn();
    health = spec.health();
    parallelism = spec.parallelism();
    completions = spec.completions();
    modelCache = spec.modelCache();
    checkpoints = spec.checkpoints();
    exposure = spec.exposure();
    egress = spec.egress();
    labels = spec.labels();
    slo = spec.slo();
  }

  public WorkloadSpecBuilder withType(WorkloadType type) {
    this.type = type;
    return this;
  }

  public WorkloadSpecBuilder withImage(String image) {
    this.image = image;
    return this;
  }

  public WorkloadSpecBuilder withSize(String size) {
    this.size = size;
    return this;
  }

  public WorkloadSpecBuilder withCommand(List<String> command) {
    this.command = command;
    return this;
  }

  public WorkloadSpecBuilder withArgs(List<String> args) {
    this.args = args;
    return this;
  }

  public WorkloadSpecBuilder withEnv(List<EnvVar> env) {
    this.env = env;
    return this;
  }

  public WorkloadSpecBuilder withPort(Integer port) {
    this.port = port;
    return this;
  }

  public WorkloadSpecBuilder withReplicas(Replicas replicas) {
    this.replicas = replicas;
    return this;
  }

  public WorkloadSpecBuilder withScaleOn(ScaleOn scaleOn) {
    this.scaleOn = scaleOn;
    return this;
  }

  public WorkloadSpecBuilder withHealth(Health health) {
    this.health = health;
    return this;
  }

  public WorkloadSpecBuilder withParallelism(Integer parallelism) {
    this.parallelism = parallelism;
    return this;
  }

  public WorkloadSpecBuilder withCompletions(Integer completions) {
    this.completions = completions;
    return this;
  }

  public WorkloadSpecBuilder withModelCache(ModelCache modelCache) {
    this.modelCache = modelCache;
    return this;
  }

  public WorkloadSpecBuilder withCheckpoints(Checkpoints checkpoints) {
    this.checkpoints = checkpoints;
    return this;
  }

  public WorkloadSpecBuilder withExposure(Exposure exposure) {
    this.exposure = exposure;
    return this;
  }

  public WorkloadSpecBuilder withEgress(List<EgressRule> egress) {
    this.egress = egress;
    return this;
  }

  public WorkloadSpecBuilder withLabels(Map<String, String> labels) {
    this.labels = labels;
    return this;
  }

  public WorkloadSpecBuilder withSlo(WorkloadSlo slo) {
    this.slo = slo;
    return this;
  }

  public WorkloadSpec build() {
    return new WorkloadSpec(
        type,
        image,
        size,
        command,
        args,
        env,
        port,
        replicas,
        scaleOn,
        health,
        parallelism,
        completions,
        modelCache,
        checkpoints,
        exposure,
        egress,
        labels,
        slo);
  }
}
