package dev.bosun.api.testing;

import dev.bosun.api.v1alpha1.EgressRule;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.ObjectName;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxLifecycle;
import dev.bosun.api.v1alpha1.SandboxSpec;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxTemplateSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;

/** Sandboxes and their templates built in code, for the tests of every module (api's test-jar). */
public final class SandboxFixtures {
  public static final String IMAGE = "registry.example.com/acme/agent:1.0";

  private SandboxFixtures() {}

  public static SandboxTemplate template(String name, String size, SandboxLifecycle lifecycle) {
    return template(name, size, null, null, null, lifecycle);
  }

  /** A template of {@link #IMAGE} with the fields tests vary; null leaves a field out. */
  public static SandboxTemplate template(
      String name,
      String size,
      Integer port,
      List<EnvVar> env,
      List<EgressRule> egress,
      SandboxLifecycle lifecycle) {
    var template = new SandboxTemplate();
    template.setMetadata(new ObjectMetaBuilder().withName(name).build());
    template.setSpec(
        new SandboxTemplateSpec(size, IMAGE, null, port, env, null, egress, null, lifecycle));
    return template;
  }

  public static Sandbox sandbox(String name, String template, SandboxLifecycle lifecycle) {
    var sandbox = new Sandbox();
    sandbox.setMetadata(new ObjectMetaBuilder().withName(name).build());
    sandbox.setSpec(new SandboxSpec(new ObjectName(template), null, null, lifecycle));
    return sandbox;
  }
}
