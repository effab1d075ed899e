package dev.bosun.router;

import java.util.regex.Pattern;

/**
 * Where a request target goes: {@code /sandboxes/<namespace>/<name>/<rest>} to a sandbox (with
 * {@code /<rest>} and the query as its target), {@code /healthz} and {@code /metrics} to the router
 * itself, anything else nowhere. The rest is passed on as sent, undecoded: whatever it says, it
 * reaches only the sandbox the first two segments name.
 */
public sealed interface Route {
  String PREFIX = "/sandboxes/";
  String HEALTHZ = "/healthz";
  String METRICS = "/metrics";

  /** A sandbox's request: its key, the target it gets, and the prefix the router took off. */
  record ToSandbox(SandboxKey sandbox, String target, String prefix) implements Route {}

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
    if (!path.startsWith(PREFIX)) {
      return new Nowhere("no such path: sandboxes are under " + PREFIX + "<namespace>/<name>/");
    }
    String afterPrefix = path.substring(PREFIX.length());
    int slash = afterPrefix.indexOf('/');
    if (slash < 0) return new Nowhere("no sandbox name after the namespace");
    String namespace = afterPrefix.substring(0, slash);
    String rest = afterPrefix.substring(slash + 1);
    int nameEnd = rest.indexOf('/');
    String name = nameEnd < 0 ? rest : rest.substring(0, nameEnd);
    String sandboxPath = nameEnd < 0 ? "/" : rest.substring(nameEnd);
    if (!NAMESPACE.matcher(namespace).matches()) {
      return new Nowhere("'" + namespace + "' is not a namespace name");
    }
    if (!NAME.matcher(name).matches()) return new Nowhere("'" + name + "' is not a sandbox name");
    return new ToSandbox(
        new SandboxKey(namespace, name), sandboxPath + queryPart, PREFIX + namespace + "/" + name);
  }
}
