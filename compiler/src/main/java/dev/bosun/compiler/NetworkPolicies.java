package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.EgressRule;
import dev.bosun.api.v1alpha1.Exposure;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Default deny, then exactly what the Workload needs: DNS, its allow-list, its callers (serving
 * types) and its peers (parallel jobs, whose pods talk to each other for collective operations).
 */
final class NetworkPolicies {
  private NetworkPolicies() {}

  static NetworkPolicy build(ObjectMeta metadata, Target target) {
    WorkloadSpec spec = target.workload().getSpec();
    LabelSelector self = new LabelSelectorBuilder().withMatchLabels(target.selector()).build();
    var policy = new NetworkPolicyBuilder().withMetadata(metadata).withNewSpec()
        .withPodSelector(self)
        .withPolicyTypes("Ingress", "Egress");
    if (spec.type().isServing()) {
      var from = new NetworkPolicyPeerBuilder();
      if (spec.exposure() == Exposure.Cluster) {
        from.withNewNamespaceSelector().endNamespaceSelector();
      } else {
        from.withNewPodSelector().endPodSelector();
      }
      policy.addToIngress(new NetworkPolicyIngressRuleBuilder()
          .withFrom(from.build())
          .withPorts(new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(spec.port())).build())
          .build());
    } else if (target.headlessService() != null) {
      policy.addToIngress(new NetworkPolicyIngressRuleBuilder().addNewFrom().withPodSelector(self).endFrom().build());
    }
    List<NetworkPolicyEgressRule> egress = new ArrayList<>();
    egress.add(dns());
    if (target.headlessService() != null) {
      egress.add(new NetworkPolicyEgressRuleBuilder().addNewTo().withPodSelector(self).endTo().build());
    }
    if (spec.egress() != null) {
      spec.egress().stream().map(NetworkPolicies::allowed).forEach(egress::add);
    }
    return policy.withEgress(egress).endSpec().build();
  }

  private static NetworkPolicyEgressRule dns() {
    return new NetworkPolicyEgressRuleBuilder()
        .addNewTo()
        .withNewNamespaceSelector().endNamespaceSelector()
        .withNewPodSelector().withMatchLabels(Map.of("k8s-app", "kube-dns")).endPodSelector()
        .endTo()
        .withPorts(
            new NetworkPolicyPortBuilder().withProtocol("UDP").withPort(new IntOrString(53)).build(),
            new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(53)).build())
        .build();
  }

  private static NetworkPolicyEgressRule allowed(EgressRule rule) {
    var built = new NetworkPolicyEgressRuleBuilder()
        .addNewTo().withNewIpBlock().withCidr(rule.cidr()).withExcept(Cidr.privateRangesWithin(rule.cidr())).endIpBlock().endTo();
    if (rule.ports() != null) {
      rule.ports().forEach(port -> built.addToPorts(
          new NetworkPolicyPortBuilder().withProtocol("TCP").withPort(new IntOrString(port)).build()));
    }
    return built.build();
  }
}
