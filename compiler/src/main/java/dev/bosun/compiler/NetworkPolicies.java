package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.EgressRule;
import dev.bosun.api.v1alpha1.Exposure;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
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
    LabelSelector self = selector(target.selector());
    NetworkPolicySpec policy = new NetworkPolicySpec();
    policy.setPodSelector(self);
    policy.setPolicyTypes(List.of("Ingress", "Egress"));
    if (spec.type().isServing()) {
      NetworkPolicyPeer from = new NetworkPolicyPeer();
      if (spec.exposure() == Exposure.Cluster) {
        from.setNamespaceSelector(new LabelSelector());
      } else {
        from.setPodSelector(new LabelSelector());
      }
      policy.setIngress(
          List.of(new NetworkPolicyIngressRule(List.of(from), List.of(port("TCP", spec.port())))));
    } else if (target.headlessService() != null) {
      policy.setIngress(List.of(new NetworkPolicyIngressRule(List.of(pods(self)), null)));
    }
    List<NetworkPolicyEgressRule> egress = new ArrayList<>();
    egress.add(dns());
    if (target.headlessService() != null) {
      egress.add(new NetworkPolicyEgressRule(null, List.of(pods(self))));
    }
    if (spec.egress() != null) {
      spec.egress().stream().map(NetworkPolicies::allowed).forEach(egress::add);
    }
    policy.setEgress(egress);
    return new NetworkPolicy("networking.k8s.io/v1", "NetworkPolicy", metadata, policy);
  }

  static NetworkPolicyEgressRule dns() {
    NetworkPolicyPeer kubeDns = new NetworkPolicyPeer();
    kubeDns.setNamespaceSelector(new LabelSelector());
    kubeDns.setPodSelector(selector(Map.of("k8s-app", "kube-dns")));
    return new NetworkPolicyEgressRule(List.of(port("UDP", 53), port("TCP", 53)), List.of(kubeDns));
  }

  static NetworkPolicyEgressRule allowed(EgressRule rule) {
    NetworkPolicyPeer to = new NetworkPolicyPeer();
    to.setIpBlock(new IPBlock(rule.cidr(), Cidr.privateRangesWithin(rule.cidr())));
    List<NetworkPolicyPort> ports =
        rule.ports() == null ? null : rule.ports().stream().map(p -> port("TCP", p)).toList();
    return new NetworkPolicyEgressRule(ports, List.of(to));
  }

  private static NetworkPolicyPeer pods(LabelSelector selector) {
    NetworkPolicyPeer peer = new NetworkPolicyPeer();
    peer.setPodSelector(selector);
    return peer;
  }

  static NetworkPolicyPort port(String protocol, int port) {
    NetworkPolicyPort policyPort = new NetworkPolicyPort();
    policyPort.setProtocol(protocol);
    policyPort.setPort(new IntOrString(port));
    return policyPort;
  }

  static LabelSelector selector(Map<String, String> labels) {
    LabelSelector selector = new LabelSelector();
    selector.setMatchLabels(labels);
    return selector;
  }
}
