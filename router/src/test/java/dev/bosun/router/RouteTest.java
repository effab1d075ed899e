package dev.bosun.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.scaler.WorkloadKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTest {
  @ParameterizedTest(name = "{0} -> {1} {2} {3}")
  @CsvSource({
    "/sandboxes/ns/a,                 ns, a,       /",
    "/sandboxes/ns/a/,                ns, a,       /",
    "/sandboxes/ns/a/x/y,             ns, a,       /x/y",
    "/sandboxes/ns/a?q=1,             ns, a,       /?q=1",
    "/sandboxes/ns/a/x?q=1&r=/s,      ns, a,       /x?q=1&r=/s",
    "/sandboxes/ns/a.b-c/../../other, ns, a.b-c,   /../../other",
    "/sandboxes/ns/a//x,              ns, a,       //x",
  })
  void routesToTheSandboxWithTheRestAsSent(String target, String ns, String name, String rest) {
    Route route = Route.of(target);
    assertThat(route).isInstanceOf(Route.ToSandbox.class);
    Route.ToSandbox to = (Route.ToSandbox) route;
    assertThat(to.sandbox()).isEqualTo(new SandboxKey(ns, name));
    assertThat(to.target()).isEqualTo(rest);
    assertThat(to.prefix()).isEqualTo("/sandboxes/" + ns + "/" + name);
  }

  @ParameterizedTest(name = "{0} -> {1} {2} {3}")
  @CsvSource({
    "/workloads/ns/llm,                ns, llm, /",
    "/workloads/ns/llm/v1/models?x=1,  ns, llm, /v1/models?x=1",
    "/workloads/ns/llm/../../other/x,  ns, llm, /../../other/x",
  })
  void routesToTheWorkloadWithTheRestAsSent(String target, String ns, String name, String rest) {
    Route route = Route.of(target);
    assertThat(route).isInstanceOf(Route.ToWorkload.class);
    Route.ToWorkload to = (Route.ToWorkload) route;
    assertThat(to.workload()).isEqualTo(new WorkloadKey(ns, name));
    assertThat(to.target()).isEqualTo(rest);
    assertThat(to.prefix()).isEqualTo("/workloads/" + ns + "/" + name);
  }

  @ParameterizedTest
  @CsvSource({
    "/",
    "/workloads/ns",
    "/workloads/ns/LLM",
    "/workloads//llm",
    "/sandboxes",
    "/sandboxes/",
    "/sandboxes/ns",
    "/sandboxes/ns/",
    "/sandboxes//a",
    "/sandboxes/NS/a",
    "/sandboxes/ns/A",
    "/sandboxes/n%73/a",
    "/sandboxes/ns/a%2Fb",
    "/sandboxes/-ns/a",
    "/sandboxes/ns/.a",
    "/healthz/x",
    "/other",
  })
  void sendsAnythingElseNowhere(String target) {
    assertThat(Route.of(target)).isInstanceOf(Route.Nowhere.class);
  }

  @ParameterizedTest
  @CsvSource({"/healthz, Health", "/healthz?x=1, Health", "/metrics, Metrics"})
  void servesItsOwnPaths(String target, String kind) {
    assertThat(Route.of(target).getClass().getSimpleName()).isEqualTo(kind);
  }
}
