package dev.bosun.api.v1alpha1;

import java.util.List;

/**
 * Builds an {@link EnvironmentSpec} by name: from nothing, or from an existing spec to change a few
 * fields. Components left unset stay null (absent).
 */
public final class EnvironmentSpecBuilder {
  private String namespace;
  private List<TierQuota> quotas;
  private EnvironmentPolicies policies;
  private String promotesFrom;
  private EnvironmentAutoscaling autoscaling;
  private EnvironmentPromotion promotion;

  public EnvironmentSpecBuilder() {}

  public EnvironmentSpecBuilder(EnvironmentSpec spec) {
    namespace = spec.namespace();
    quotas = spec.quotas();
    policies = spec.policies();
    promotesFrom = spec.promotesFrom();
    autoscaling = spec.autoscaling();
    promotion = spec.promotion();
  }

  public EnvironmentSpecBuilder withNamespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  public EnvironmentSpecBuilder withQuotas(List<TierQuota> quotas) {
    this.quotas = quotas;
    return this;
  }

  public EnvironmentSpecBuilder withPolicies(EnvironmentPolicies policies) {
    this.policies = policies;
    return this;
  }

  public EnvironmentSpecBuilder withPromotesFrom(String promotesFrom) {
    this.promotesFrom = promotesFrom;
    return this;
  }

  public EnvironmentSpecBuilder withAutoscaling(EnvironmentAutoscaling autoscaling) {
    this.autoscaling = autoscaling;
    return this;
  }

  public EnvironmentSpecBuilder withPromotion(EnvironmentPromotion promotion) {
    this.promotion = promotion;
    return this;
  }

  public EnvironmentSpec build() {
    return new EnvironmentSpec(namespace, quotas, policies, promotesFrom, autoscaling, promotion);
  }
}
