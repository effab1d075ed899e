package dev.bosun.router;

import dev.bosun.api.v1alpha1.Scaling;
import dev.bosun.scaler.WorkloadKey;
import java.util.regex.Pattern;

/**
 * Where a request target goes: {@code /sandboxes/<namespace>/<name>/<rest>} to a sandbox and {@code
 * /workloads/<namespace>/<name>/<rest>} to a Workload's pod (with {@code /<rest>} and the query as
 * its target), {@code /healthz} and {@code /metrics} to the router itself, anything else nowhere.
 * The rest is passed on as sent, undecoded: whatever it says, it reaches only the sandbox the first
 * two segments name.
 */
public sealed interface Route {
  String PREFIX = "/sandboxes/";
  String WORKLOADS = Scaling.ROUTER_WORKLOAD_PREFIX;
  String HEALTHZ = "/healthz";
  String METRICS = "/metrics";

  /** A request passed on: the target the pod gets, and the prefix the router took off. */
  sealed interface Forwarded extends Route {
    String target();

    String prefix();
  }

  /** A sandbox's request: its key, the target it gets, and the prefix the router took off. */
  record ToSandbox(SandboxKey sandbox, String target, String prefix) implements Forwarded {}

  /** A Workload's request, for one of its Ready pods. */
  record ToWorkload(WorkloadKey workload, String target, String prefix) implements Forwarded {}

  record Health() implements Route {}

  record Metrics() implements Route {}

  record Nowhere(String reason) implements Route {}

  Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  Pattern NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** The route of an origin-form target (the parser checked its characters). */
  static Route of(String target) {
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    String queryPart = query < 0 ? "" : target.substring(query);
    if (path.equals(HEALTHZ)) return new Health();
    if (path.equals(METRICS)) return new Metrics();
    boolean workload = path.startsWith(WORKLOADS);
    if (!workload && !path.startsWith(PREFIX)) {
      return new Nowhere(
          "no such path: sandboxes are under "
              + PREFIX
              + "<namespace>/<name>/, Workloads under "
              + WORKLOADS
              + "<namespace>/<name>/");
    }
    String prefix = workload ? WORKLOADS : PREFIX;
    String kind = workload ? "Workload" : "sandbox";
    String afterPrefix = path.substring(prefix.length());
    int slash = afterPrefix.indexOf('/');
    if (slash < 0) return new Nowhere("no " + kind + " name after the namespace");
    String namespace = afterPrefix.substring(0, slash);
    String rest = afterPrefix.substring(slash + 1);
    int nameEnd = rest.indexOf('/');
    String name = nameEnd < 0 ? rest : rest.substring(0, nameEnd);
    String podPath = nameEnd < 0 ? "/" : rest.substring(nameEnd);
    if (!NAMESPACE.matcher(namespace).matches()) {
      return new Nowhere("'" + namespace + "' is not a namespace name");
    }
    if (!NAME.matcher(name).matches()) {
      return new Nowhere("'" + name + "' is not a " + kind + " name");
    }
    if (workload) {
      return new ToWorkload(
          new WorkloadKey(namespace, name),
          podPath + queryPart,
          WORKLOADS + namespace + "/" + name);
    }
    return new ToSandbox(
        new SandboxKey(namespace, name), podPath + queryPart, PREFIX + namespace + "/" + name);
  }
}
