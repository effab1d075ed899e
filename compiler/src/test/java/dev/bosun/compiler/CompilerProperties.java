package dev.bosun.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bosun.api.testing.Workloads;
import dev.bosun.api.v1alpha1.EgressRule;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.Exposure;
import dev.bosun.api.v1alpha1.Health;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.ScaleOn;
import dev.bosun.api.v1alpha1.ScaleSignal;
import dev.bosun.api.v1alpha1.ScalingPolicy;
import dev.bosun.api.v1alpha1.SecretKeyReference;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.compiler.manifest.ManifestReader;
import dev.bosun.compiler.manifest.Output;
import dev.bosun.compiler.manifest.ReadResult;
import dev.bosun.compiler.manifest.TierCatalog;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the compiler over random valid Workloads, on every tier that runs them. */
class CompilerProperties {
  private static final TierCatalog TIERS = Fixtures.allTiers();
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern DNS_LABEL = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");

  /** How Bosun wrote objects with Jackson: empty values left out, map entries sorted. */
  private static final ObjectMapper JACKSON =
      JsonMapper.builder()
          .serializationInclusion(JsonInclude.Include.NON_EMPTY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private static final ObjectMapper PLAIN_JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  record Case(Workload workload, Tier tier) {}

  @Property(tries = 400)
  void randomValidWorkloadsCompile(@ForAll("validWorkloads") Case input) {
    assertThat(Rules.check(input.workload(), input.tier(), null)).isEmpty();
    List<HasMetadata> objects = Compiler.compile(input.workload(), input.tier(), null);
    assertThat(objects).isNotEmpty();
    assertThat(RestrictedPodSecurityTest.podSpecs(objects))
        .singleElement()
        .satisfies(pod -> assertThat(RestrictedPodSecurity.violations(pod)).isEmpty());
  }

  @Property(tries = 400)
  void everyNameIsAValidKubernetesNameWithinItsLimit(@ForAll("validWorkloads") Case input) {
    for (HasMetadata object : Compiler.compile(input.workload(), input.tier(), null)) {
      String name = object.getMetadata().getName();
      int limit =
          switch (object) {
            case Deployment d -> Names.DEPLOYMENT;
            case Job j -> Names.JOB;
            default -> Names.LABEL;
          };
      assertThat(name).hasSizeLessThanOrEqualTo(limit).matches(DNS_SUBDOMAIN);
      if (object instanceof Service) {
        assertThat(name).matches(DNS_LABEL);
      }
      object
          .getMetadata()
          .getLabels()
          .forEach(
              (key, value) -> assertThat(value).hasSizeLessThanOrEqualTo(63).matches(LABEL_VALUE));
    }
  }

  @Property(tries = 400)
  void selectorsMatchThePodLabels(@ForAll("validWorkloads") Case input) {
    List<HasMetadata> objects = Compiler.compile(input.workload(), input.tier(), null);
    PodTemplateSpec template =
        objects.stream()
            .map(
                o ->
                    o instanceof Deployment d
                        ? d.getSpec().getTemplate()
                        : o instanceof Job j ? j.getSpec().getTemplate() : null)
            .filter(Objects::nonNull)
            .findFirst()
            .orElseThrow();
    Map<String, String> podLabels = template.getMetadata().getLabels();
    for (HasMetadata object : objects) {
      Map<String, String> selector =
          switch (object) {
            case Deployment d -> d.getSpec().getSelector().getMatchLabels();
            case Service s -> s.getSpec().getSelector();
            case PodDisruptionBudget p -> p.getSpec().getSelector().getMatchLabels();
            case NetworkPolicy n -> n.getSpec().getPodSelector().getMatchLabels();
            default -> null;
          };
      if (selector != null) {
        assertThat(selector).as("selector of %s", object.getKind()).isNotEmpty();
        assertThat(podLabels).containsAllEntriesOf(selector);
      }
    }
  }

  @Property(tries = 400)
  void requestsNeverExceedLimits(@ForAll("validWorkloads") Case input) {
    for (var pod :
        RestrictedPodSecurityTest.podSpecs(
            Compiler.compile(input.workload(), input.tier(), null))) {
      for (Container container : pod.getContainers()) {
        Map<String, Quantity> limits = container.getResources().getLimits();
        container
            .getResources()
            .getRequests()
            .forEach(
                (resource, request) -> {
                  assertThat(limits).containsKey(resource);
                  assertThat(Quantity.getAmountInBytes(request))
                      .isLessThanOrEqualTo(Quantity.getAmountInBytes(limits.get(resource)));
                });
        // Memory is the resource whose overcommit gets pods killed: always exactly its limit.
        assertThat(container.getResources().getRequests().get("memory"))
            .isEqualTo(limits.get("memory"));
      }
    }
  }

  /**
   * The manifest reader binds records itself, not through Jackson: what Jackson writes, it must
   * read back equal.
   */
  @Property(tries = 400)
  void aWorkloadWrittenAsYamlReadsBackEqual(@ForAll("validWorkloads") Case input) {
    ReadResult read = ManifestReader.read("w.yaml", Serialization.asYaml(input.workload()));
    assertThat(read.problems()).isEmpty();
    assertThat(read.objectsOf(Workload.class))
        .singleElement()
        .satisfies(
            workload -> {
              assertThat(workload.getSpec()).isEqualTo(input.workload().getSpec());
              assertThat(workload.getMetadata()).isEqualTo(input.workload().getMetadata());
            });
  }

  /**
   * Output writes the model without Jackson; what it writes must be what Jackson writes, property
   * for property.
   */
  @Property(tries = 300)
  void theWrittenTreeIsWhatJacksonWrites(@ForAll("validWorkloads") Case input) throws Exception {
    for (HasMetadata object : Compiler.compile(input.workload(), input.tier(), null)) {
      assertThat(PLAIN_JSON.writeValueAsString(Output.tree(object)))
          .isEqualTo(JACKSON.writeValueAsString(object));
    }
  }

  @Property(tries = 300)
  void compilingIsDeterministic(@ForAll("validWorkloads") Case input) {
    assertThat(Compiler.compile(input.workload(), input.tier(), null))
        .isEqualTo(Compiler.compile(input.workload(), input.tier(), null));
  }

  @Provide
  Arbitrary<Case> validWorkloads() {
    Arbitrary<Tier> tiers = Arbitraries.of(TIERS.all());
    return tiers.flatMap(
        tier ->
            Arbitraries.of(
                    List.of(WorkloadType.values()).stream().filter(tier.getSpec()::allows).toList())
                .flatMap(
                    type ->
                        spec(type, tier)
                            .flatMap(
                                spec ->
                                    names()
                                        .map(
                                            name ->
                                                new Case(Workloads.workload(name, spec), tier)))));
  }

  private static Arbitrary<String> names() {
    Arbitrary<String> middle =
        Arbitraries.strings()
            .withChars("abcdefghijklmnopqrstuvwxyz0123456789-")
            .ofMinLength(0)
            .ofMaxLength(240);
    return Combinators.combine(
            Arbitraries.chars().range('a', 'z'), middle, Arbitraries.chars().range('a', 'z'))
        .as((first, inner, last) -> first + inner + last);
  }

  private static Arbitrary<WorkloadSpec> spec(WorkloadType type, Tier tier) {
    Arbitrary<String> image =
        Arbitraries.of(
            "registry.example.com/team/app:1.0",
            "ghcr.io/org/model-server:v2.3.1",
            "registry.example.com:5000/a/b@sha256:" + "ab".repeat(32),
            "quay.io/x/y:latest@sha256:" + "0f".repeat(32));
    Arbitrary<List<EnvVar>> env =
        Arbitraries.strings()
            .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")
            .ofMinLength(1)
            .ofMaxLength(20)
            .set()
            .ofMaxSize(5)
            .map(
                names ->
                    names.stream()
                        .map(
                            n ->
                                n.length() % 2 == 0
                                    ? EnvVar.literal(n, "value-" + n)
                                    : EnvVar.fromSecret(n, new SecretKeyReference("secret", "key")))
                        .toList());
    Arbitrary<List<EgressRule>> egress =
        Combinators.combine(
                Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 32),
                Arbitraries.integers().between(1, 65535).list().ofMaxSize(3))
            .as(
                (octet, prefix, ports) ->
                    new EgressRule(octet + ".0.0.0/" + prefix, ports.isEmpty() ? null : ports))
            .list()
            .ofMaxSize(3);
    if (type.isServing()) {
      // Within what the tier's scaling policy allows: that is what a valid Workload chooses.
      ScalingPolicy policy = ScalingPlan.policy(tier, type);
      int most = Math.min(policy.maxReplicasOrDefault(), 40);
      Arbitrary<Replicas> replicas =
          Arbitraries.integers()
              .between(policy.allowsZero() ? 0 : 1, Math.min(20, most))
              .flatMap(
                  min ->
                      Arbitraries.integers()
                          .between(Math.max(min, 1), most)
                          .map(max -> new Replicas(min, max)))
              .injectNull(0.2);
      Arbitrary<ScaleOn> scaleOn =
          Arbitraries.of(policy.signals())
              .flatMap(
                  signal ->
                      Arbitraries.integers()
                          .between(1, ScaleSignal.maxTarget(signal.metric()))
                          .injectNull(0.3)
                          .map(target -> new ScaleOn(signal.metric(), target)))
              .injectNull(0.5);
      return Combinators.combine(
              image,
              env,
              Arbitraries.integers().between(1, 65535),
              replicas,
              scaleOn,
              Arbitraries.of("/healthz", "/v1/health/ready").injectNull(0.3),
              Arbitraries.of(Exposure.values()).injectNull(0.5),
              egress)
          .as(
              (img, vars, port, reps, scale, health, exposure, allowed) ->
                  new WorkloadSpecBuilder()
                      .withType(type)
                      .withImage(img)
                      .withSize(tier.getMetadata().getName())
                      .withEnv(vars)
                      .withPort(port)
                      .withReplicas(reps)
                      .withScaleOn(scale)
                      .withHealth(health == null ? null : new Health(health))
                      .withExposure(exposure)
                      .withEgress(allowed)
                      .build());
    }
    return Combinators.combine(
            image,
            env,
            Arbitraries.integers().between(1, 16),
            Arbitraries.integers().between(0, 16).injectNull(0.5),
            egress)
        .as(
            (img, vars, parallelism, extra, allowed) ->
                new WorkloadSpecBuilder()
                    .withType(type)
                    .withImage(img)
                    .withSize(tier.getMetadata().getName())
                    .withCommand(List.of("python", "train.py"))
                    .withEnv(vars)
                    .withParallelism(parallelism)
                    .withCompletions(extra == null ? null : parallelism + extra)
                    .withEgress(allowed)
                    .withLabels(Map.of("team", "ml"))
                    .build());
  }
}
