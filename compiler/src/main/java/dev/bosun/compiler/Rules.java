package dev.bosun.compiler;

import dev.bosun.api.v1alpha1.Durations;
import dev.bosun.api.v1alpha1.EgressRule;
import dev.bosun.api.v1alpha1.EnvVar;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.EnvironmentPolicies;
import dev.bosun.api.v1alpha1.GpuAllocation;
import dev.bosun.api.v1alpha1.GpuSharing;
import dev.bosun.api.v1alpha1.LoadTestGate;
import dev.bosun.api.v1alpha1.MalformedInputGate;
import dev.bosun.api.v1alpha1.ModelCache;
import dev.bosun.api.v1alpha1.Patterns;
import dev.bosun.api.v1alpha1.PromotionGates;
import dev.bosun.api.v1alpha1.ScaleMetric;
import dev.bosun.api.v1alpha1.ScaleSignal;
import dev.bosun.api.v1alpha1.ScalingPolicy;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.TierGpu;
import dev.bosun.api.v1alpha1.TierSpec;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpec;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules a Workload, a Tier and an Environment must follow beyond their schema's types. The
 * cross-field rules that the CRDs also state in CEL carry the CEL rules' messages word for word (a
 * test keeps them in step), so a file checked by {@code bosun validate} and an object rejected by
 * the API server read the same.
 */
public final class Rules {
  /** Workload names become Service names, which must start with a letter (DNS-1035). */
  private static final Pattern WORKLOAD_NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");

  private static final int MAX_NAME = 253;
  private static final Pattern DIGEST = Pattern.compile(Patterns.IMAGE_DIGEST);

  /** The API server's budget for all annotations of an object, keys and values, in bytes. */
  private static final int MAX_ANNOTATION_BYTES = 256 * 1024;

  private static final Set<String> RESERVED_LABEL_PREFIXES =
      Set.of("bosun.dev", "app.kubernetes.io", "kubernetes.io", "k8s.io");

  /** A field that belongs to some Workload types only, with the message of its CEL rule. */
  private record TypedField(String name, Set<WorkloadType> types, String message) {}

  private static final Set<WorkloadType> SERVING =
      Set.of(WorkloadType.Service, WorkloadType.Inference);
  private static final Set<WorkloadType> JOBS = Set.of(WorkloadType.Training, WorkloadType.Batch);

  private static final List<TypedField> TYPED_FIELDS =
      List.of(
          new TypedField("port", SERVING, "port applies to Service and Inference only"),
          new TypedField(
              "replicas",
              SERVING,
              "replicas applies to Service and Inference only; use parallelism"),
          new TypedField("scaleOn", SERVING, "scaleOn applies to Service and Inference only"),
          new TypedField("health", SERVING, "health applies to Service and Inference only"),
          new TypedField("exposure", SERVING, "exposure applies to Service and Inference only"),
          new TypedField("slo", SERVING, "slo applies to Service and Inference only"),
          new TypedField(
              "parallelism", JOBS, "parallelism applies to Training and Batch only; use replicas"),
          new TypedField("completions", JOBS, "completions applies to Training and Batch only"),
          new TypedField("checkpoints", JOBS, "checkpoints applies to Training and Batch only"));

  static final String PORT_REQUIRED = "port is required for Service and Inference";
  static final String MIN_ABOVE_MAX = "min must be less than or equal to max";
  static final String PARALLELISM_ABOVE_COMPLETIONS = "parallelism must not exceed completions";
  static final String ENV_VALUE_XOR_SECRET = "exactly one of value and secret must be set";
  static final String CACHE_SIZE_XOR_CLAIM = "exactly one of size and claimName must be set";
  static final String MIG_PROFILE_REQUIRED = "migProfile is required when sharing is MIG";
  static final String MIG_PROFILE_FORBIDDEN = "migProfile applies only when sharing is MIG";
  static final String DEVICE_PLUGIN_EXCLUSIVE =
      "the device plugin allocation supports only Exclusive sharing; sharing is configured on the device plugin itself";

  /** Checked here only: the CRD's rules do not relate a tier's signals to its GPU sharing. */
  static final String GPU_ON_MIG =
      "gpu utilisation is not reported per MIG instance: scale a MIG tier on requestsWaiting,"
          + " requestsRunning or kvCacheUsage";

  private Rules() {}

  /** Every message that mirrors a CEL rule of the CRDs. */
  public static Set<String> celMessages() {
    Set<String> messages =
        TYPED_FIELDS.stream()
            .map(TypedField::message)
            .collect(Collectors.toCollection(HashSet::new));
    messages.addAll(
        Set.of(
            PORT_REQUIRED,
            MIN_ABOVE_MAX,
            PARALLELISM_ABOVE_COMPLETIONS,
            ENV_VALUE_XOR_SECRET,
            CACHE_SIZE_XOR_CLAIM,
            MIG_PROFILE_REQUIRED,
            MIG_PROFILE_FORBIDDEN,
            DEVICE_PLUGIN_EXCLUSIVE,
            ScaleSignal.PERCENT_MESSAGE,
            ScalingPolicy.SERVING_ONLY,
            ScalingPolicy.SIGNAL_TWICE,
            TierSpec.POLICY_TWICE,
            PromotionGates.OUTAGE_NEEDS_LOAD,
            LoadTestGate.DURATION_TOO_LONG,
            MalformedInputGate.PATH_MESSAGE));
    return messages;
  }

  /**
   * Problems of a Workload on its own and with its Tier and Environment ({@code environment} may be
   * null: no environment's policies apply).
   */
  public static List<FieldError> check(Workload workload, Tier tier, Environment environment) {
    List<FieldError> problems = new ArrayList<>(checkWorkload(workload));
    WorkloadSpec spec = workload.getSpec();
    if (spec != null && spec.type() != null) {
      checkAgainstTier(spec, tier, problems);
      if (environment != null) {
        checkAgainstEnvironment(workload, environment, problems);
      }
    }
    return problems;
  }

  /** Problems of a Workload on its own: its name, and the rules between its fields. */
  public static List<FieldError> checkWorkload(Workload workload) {
    List<FieldError> problems = new ArrayList<>();
    String name = workload.getMetadata() == null ? null : workload.getMetadata().getName();
    if (name == null || name.isEmpty()) {
      problems.add(new FieldError("metadata.name", "is required"));
    } else if (name.length() > MAX_NAME || !WORKLOAD_NAME.matcher(name).matches()) {
      problems.add(
          new FieldError(
              "metadata.name",
              "\""
                  + name
                  + "\" must consist of lower case letters, digits and '-', start with a letter, end with a letter or digit, and be at most 253 characters"));
    }
    WorkloadSpec spec = workload.getSpec();
    if (spec == null) {
      problems.add(new FieldError("spec", "is required"));
      return problems;
    }
    if (spec.type() == null) {
      problems.add(
          new FieldError("spec.type", "is required: one of Service, Inference, Training, Batch"));
    } else {
      checkTypedFields(spec, problems);
    }
    if (spec.image() != null && !spec.image().isEmpty()) {
      ImageReferences.problem(spec.image())
          .ifPresent(
              problem ->
                  problems.add(
                      new FieldError("spec.image", "\"" + spec.image() + "\" " + problem)));
    }
    if (spec.replicas() != null
        && spec.replicas().min() != null
        && spec.replicas().max() != null
        && spec.replicas().min() > spec.replicas().max()) {
      problems.add(new FieldError("spec.replicas", MIN_ABOVE_MAX));
    }
    if (spec.scaleOn() != null
        && spec.scaleOn().metric() != null
        && spec.scaleOn().target() != null
        && spec.scaleOn().target() > ScaleSignal.maxTarget(spec.scaleOn().metric())) {
      problems.add(new FieldError("spec.scaleOn.target", ScaleSignal.PERCENT_MESSAGE));
    }
    if (spec.parallelism() != null
        && spec.completions() != null
        && spec.parallelism() > spec.completions()) {
      problems.add(new FieldError("spec.parallelism", PARALLELISM_ABOVE_COMPLETIONS));
    }
    checkEnv(spec.env(), problems);
    checkLabels("spec.labels", spec.labels(), problems);
    checkReservedPrefixes(spec.labels(), problems);
    checkEgress(spec.egress(), problems);
    checkModelCache(spec.modelCache(), problems);
    return problems;
  }

  /** Problems of an Environment on its own: the rules between its promotion gates' fields. */
  public static List<FieldError> checkEnvironment(Environment environment) {
    List<FieldError> problems = new ArrayList<>();
    if (environment.getSpec() == null || environment.getSpec().promotion() == null) {
      return problems;
    }
    PromotionGates gates = environment.getSpec().promotion().gates();
    if (gates == null) {
      return problems;
    }
    String at = "spec.promotion.gates.";
    if (gates.partialOutage() != null
        && Boolean.TRUE.equals(gates.partialOutage().enabled())
        && gates.loadTest() == null) {
      problems.add(new FieldError(at + "partialOutage", PromotionGates.OUTAGE_NEEDS_LOAD));
    }
    if (gates.loadTest() != null && gates.loadTest().duration() != null) {
      try {
        if (Durations.parse(gates.loadTest().duration()).compareTo(LoadTestGate.MAX_DURATION) > 0) {
          problems.add(new FieldError(at + "loadTest.duration", LoadTestGate.DURATION_TOO_LONG));
        }
      } catch (IllegalArgumentException e) {
        problems.add(new FieldError(at + "loadTest.duration", e.getMessage()));
      }
    }
    if (gates.malformedInput() != null && gates.malformedInput().paths() != null) {
      var paths = gates.malformedInput().paths();
      for (int i = 0; i < paths.size(); i++) {
        String path = paths.get(i);
        if (path == null || !path.startsWith("/") || path.length() > 256) {
          problems.add(
              new FieldError(
                  at + "malformedInput.paths[" + i + "]", MalformedInputGate.PATH_MESSAGE));
        }
      }
    }
    return problems;
  }

  /** Problems of a Tier on its own. */
  public static List<FieldError> checkTier(Tier tier) {
    List<FieldError> problems = new ArrayList<>();
    if (tier.getSpec() == null) {
      problems.add(new FieldError("spec", "is required"));
      return problems;
    }
    TierGpu gpu = tier.getSpec().gpu();
    if (gpu != null) {
      if (gpu.sharing() == GpuSharing.MIG && gpu.migProfile() == null) {
        problems.add(new FieldError("spec.gpu.migProfile", MIG_PROFILE_REQUIRED));
      }
      if (gpu.sharing() != GpuSharing.MIG && gpu.migProfile() != null) {
        problems.add(new FieldError("spec.gpu.migProfile", MIG_PROFILE_FORBIDDEN));
      }
      if (gpu.allocation() == GpuAllocation.DevicePlugin && gpu.sharing() != GpuSharing.Exclusive) {
        problems.add(new FieldError("spec.gpu.sharing", DEVICE_PLUGIN_EXCLUSIVE));
      }
    }
    checkScalingPolicies(tier.getSpec(), problems);
    return problems;
  }

  private static void checkScalingPolicies(TierSpec tier, List<FieldError> problems) {
    if (tier.scaling() == null) {
      return;
    }
    Set<WorkloadType> types = new HashSet<>();
    for (int i = 0; i < tier.scaling().size(); i++) {
      ScalingPolicy policy = tier.scaling().get(i);
      String path = "spec.scaling[" + i + "]";
      if (policy.workloadType() != null && !policy.workloadType().isServing()) {
        problems.add(new FieldError(path + ".workloadType", ScalingPolicy.SERVING_ONLY));
      }
      if (!types.add(policy.workloadType())) {
        problems.add(new FieldError("spec.scaling", TierSpec.POLICY_TWICE));
      }
      if (policy.signals() == null || policy.signals().isEmpty()) {
        problems.add(new FieldError(path + ".signals", "must name at least one signal"));
        continue;
      }
      Set<ScaleMetric> metrics = new HashSet<>();
      for (int j = 0; j < policy.signals().size(); j++) {
        ScaleSignal signal = policy.signals().get(j);
        if (!metrics.add(signal.metric())) {
          problems.add(new FieldError(path + ".signals", ScalingPolicy.SIGNAL_TWICE));
        }
        if (signal.metric() == ScaleMetric.gpu && tier.gpu() == null) {
          problems.add(
              new FieldError(path + ".signals[" + j + "].metric", "gpu needs a tier with GPUs"));
        }
        if (signal.metric() == ScaleMetric.gpu
            && tier.gpu() != null
            && tier.gpu().sharing() == GpuSharing.MIG) {
          problems.add(new FieldError(path + ".signals[" + j + "].metric", GPU_ON_MIG));
        }
        if (signal.metric() != null
            && signal.target() != null
            && signal.target() > ScaleSignal.maxTarget(signal.metric())) {
          problems.add(
              new FieldError(path + ".signals[" + j + "].target", ScaleSignal.PERCENT_MESSAGE));
        }
      }
    }
  }

  private static void checkTypedFields(WorkloadSpec spec, List<FieldError> problems) {
    Map<String, Object> values = new HashMap<>();
    values.put("port", spec.port());
    values.put("replicas", spec.replicas());
    values.put("scaleOn", spec.scaleOn());
    values.put("health", spec.health());
    values.put("slo", spec.slo());
    values.put("exposure", spec.exposure());
    values.put("parallelism", spec.parallelism());
    values.put("completions", spec.completions());
    values.put("checkpoints", spec.checkpoints());
    for (TypedField field : TYPED_FIELDS) {
      if (values.get(field.name()) != null && !field.types().contains(spec.type())) {
        problems.add(
            new FieldError(
                "spec." + field.name(),
                field.message() + " (this Workload is of type " + spec.type() + ")"));
      }
    }
    if (spec.type().isServing() && spec.port() == null) {
      problems.add(new FieldError("spec.port", PORT_REQUIRED));
    }
  }

  static void checkEnv(List<EnvVar> env, List<FieldError> problems) {
    if (env == null) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < env.size(); i++) {
      EnvVar variable = env.get(i);
      String path = "spec.env[" + i + "]";
      if (variable == null) {
        problems.add(new FieldError(path, "must not be null"));
        continue;
      }
      if ((variable.value() == null) == (variable.secret() == null)) {
        problems.add(new FieldError(path, ENV_VALUE_XOR_SECRET));
      }
      if (variable.name() != null && !seen.add(variable.name())) {
        problems.add(
            new FieldError(path + ".name", "\"" + variable.name() + "\" is set more than once"));
      }
    }
  }

  /**
   * Problems of any Bosun object's metadata that the API server would refuse: label keys and
   * values, annotation keys, and the annotations' total size.
   */
  public static List<FieldError> checkMetadata(ObjectMeta metadata) {
    List<FieldError> problems = new ArrayList<>();
    if (metadata == null) {
      return problems;
    }
    checkLabels("metadata.labels", metadata.getLabels(), problems);
    Map<String, String> annotations = metadata.getAnnotations();
    if (annotations != null) {
      long bytes = 0;
      for (Map.Entry<String, String> annotation : annotations.entrySet()) {
        String path = "metadata.annotations[" + annotation.getKey() + "]";
        LabelSyntax.keyProblem(annotation.getKey())
            .ifPresent(
                problem ->
                    problems.add(
                        new FieldError(path, "is not a valid annotation key: " + problem)));
        bytes += utf8Length(annotation.getKey()) + utf8Length(annotation.getValue());
      }
      if (bytes > MAX_ANNOTATION_BYTES) {
        problems.add(
            new FieldError(
                "metadata.annotations",
                "take "
                    + bytes
                    + " bytes together; the API server takes at most "
                    + MAX_ANNOTATION_BYTES
                    + " (256 KiB)"));
      }
    }
    return problems;
  }

  private static long utf8Length(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void checkLabels(
      String field, Map<String, String> labels, List<FieldError> problems) {
    if (labels == null) {
      return;
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      String path = field + "[" + label.getKey() + "]";
      LabelSyntax.keyProblem(label.getKey())
          .ifPresent(
              problem ->
                  problems.add(new FieldError(path, "is not a valid label key: " + problem)));
      String value = label.getValue() == null ? "" : label.getValue();
      LabelSyntax.valueProblem(value)
          .ifPresent(
              problem ->
                  problems.add(
                      new FieldError(
                          path, "\"" + value + "\" is not a valid label value: it " + problem)));
    }
  }

  /** Labels of a Workload's spec go on every object made for it, beside Bosun's own. */
  private static void checkReservedPrefixes(Map<String, String> labels, List<FieldError> problems) {
    if (labels == null) {
      return;
    }
    for (String key : labels.keySet()) {
      int slash = key.indexOf('/');
      String prefix = slash < 0 ? null : key.substring(0, slash);
      if (prefix != null
          && RESERVED_LABEL_PREFIXES.stream()
              .anyMatch(r -> prefix.equals(r) || prefix.endsWith("." + r))) {
        problems.add(
            new FieldError(
                "spec.labels[" + key + "]",
                "the prefix " + prefix + "/ is reserved for Bosun and Kubernetes"));
      }
    }
  }

  static void checkEgress(List<EgressRule> egress, List<FieldError> problems) {
    if (egress == null) {
      return;
    }
    for (int i = 0; i < egress.size(); i++) {
      EgressRule rule = egress.get(i);
      String path = "spec.egress[" + i + "]";
      if (rule == null || rule.cidr() == null) {
        problems.add(new FieldError(path + ".cidr", "is required"));
        continue;
      }
      if (!Cidr.isValid(rule.cidr())) {
        problems.add(
            new FieldError(path + ".cidr", "\"" + rule.cidr() + "\" is not a valid CIDR block"));
      }
      if (rule.ports() != null) {
        for (int p = 0; p < rule.ports().size(); p++) {
          Integer port = rule.ports().get(p);
          if (port == null || port < 1 || port > 65535) {
            problems.add(
                new FieldError(path + ".ports[" + p + "]", "must be a port from 1 to 65535"));
          }
        }
      }
    }
  }

  private static void checkModelCache(ModelCache cache, List<FieldError> problems) {
    if (cache != null && (cache.size() == null) == (cache.claimName() == null)) {
      problems.add(new FieldError("spec.modelCache", CACHE_SIZE_XOR_CLAIM));
    }
  }

  private static void checkAgainstTier(WorkloadSpec spec, Tier tier, List<FieldError> problems) {
    if (tier == null || tier.getSpec() == null) {
      return;
    }
    String tierName = tier.getMetadata().getName();
    boolean gpuTier = tier.getSpec().gpu() != null;
    if (!tier.getSpec().allows(spec.type())) {
      String allowed =
          tier.getSpec().workloadTypes().stream().map(Enum::name).collect(Collectors.joining(", "));
      String kind = gpuTier ? "GPU tier" : "tier";
      problems.add(
          new FieldError(
              "spec.size",
              kind
                  + " \""
                  + tierName
                  + "\" does not run "
                  + spec.type()
                  + " workloads (it allows "
                  + allowed
                  + ")"));
    }
    ScaleMetric metric = spec.scaleOn() == null ? null : spec.scaleOn().metric();
    if (metric == ScaleMetric.gpu && !gpuTier) {
      problems.add(
          new FieldError(
              "spec.scaleOn.metric", "gpu needs a GPU tier; \"" + tierName + "\" has no GPUs"));
    }
    if (spec.type().isServing()) {
      checkScalingAgainstTier(spec, tier, problems);
    }
  }

  /** A Workload chooses its signal and its replicas only within what its tier's policy allows. */
  private static void checkScalingAgainstTier(
      WorkloadSpec spec, Tier tier, List<FieldError> problems) {
    String tierName = tier.getMetadata().getName();
    ScalingPolicy policy = ScalingPlan.policy(tier, spec.type());
    boolean listed = tier.getSpec().scalingOf(spec.type()).isPresent();
    String where =
        listed
            ? "spec.scaling[" + spec.type() + "]"
            : "no spec.scaling for " + spec.type() + ": the default";
    ScaleMetric metric = spec.scaleOn() == null ? null : spec.scaleOn().metric();
    boolean gpuWithoutGpus = metric == ScaleMetric.gpu && tier.getSpec().gpu() == null;
    if (metric != null && !gpuWithoutGpus && policy.signal(metric).isEmpty()) {
      String allowed =
          policy.signals().stream().map(s -> s.metric().name()).collect(Collectors.joining(", "));
      problems.add(
          new FieldError(
              "spec.scaleOn.metric",
              metric
                  + " is not a signal of tier \""
                  + tierName
                  + "\", which scales "
                  + spec.type()
                  + " on "
                  + allowed
                  + " ("
                  + where
                  + ".signals)"));
    }
    if (spec.replicas() == null) {
      return;
    }
    Integer max = spec.replicas().max();
    if (max != null && max > policy.maxReplicasOrDefault()) {
      problems.add(
          new FieldError(
              "spec.replicas.max",
              max
                  + " is more than tier \""
                  + tierName
                  + "\" allows: at most "
                  + policy.maxReplicasOrDefault()
                  + " ("
                  + where
                  + ".maxReplicas)"));
    }
    if (Integer.valueOf(0).equals(spec.replicas().min()) && !policy.allowsZero()) {
      problems.add(
          new FieldError(
              "spec.replicas.min",
              "0 (scale to zero) is not allowed by tier \""
                  + tierName
                  + "\": it sets no "
                  + (listed ? where : "spec.scaling[" + spec.type() + "]")
                  + ".idleToZeroAfter"));
    }
  }

  private static void checkAgainstEnvironment(
      Workload workload, Environment environment, List<FieldError> problems) {
    if (environment.getSpec() == null) {
      return;
    }
    String envName = environment.getMetadata().getName();
    String namespace =
        workload.getMetadata() == null ? null : workload.getMetadata().getNamespace();
    if (namespace != null && !Objects.equals(namespace, environment.getSpec().namespace())) {
      problems.add(
          new FieldError(
              "metadata.namespace",
              "is \""
                  + namespace
                  + "\", but Environment \""
                  + envName
                  + "\" owns namespace \""
                  + environment.getSpec().namespace()
                  + "\""));
    }
    WorkloadSpec spec = workload.getSpec();
    Integer cap = environment.getSpec().autoscalingOrDefaults().maxReplicas();
    if (cap != null
        && spec.type().isServing()
        && spec.replicas() != null
        && spec.replicas().max() != null
        && spec.replicas().max() > cap) {
      problems.add(
          new FieldError(
              "spec.replicas.max",
              spec.replicas().max()
                  + " is more than Environment \""
                  + envName
                  + "\" allows: at most "
                  + cap
                  + " (spec.autoscaling.maxReplicas)"));
    }
    EnvironmentPolicies policies = environment.getSpec().policies();
    if (policies == null) {
      return;
    }
    if (policies.digestRequired() && spec.image() != null && !DIGEST.matcher(spec.image()).find()) {
      problems.add(
          new FieldError(
              "spec.image",
              "Environment \""
                  + envName
                  + "\" requires images pinned by digest (...@sha256:<64 hex digits>), not a tag"));
    }
    if (policies.minReplicas() != null && spec.type().isServing()) {
      int min =
          spec.replicas() == null || spec.replicas().min() == null ? 1 : spec.replicas().min();
      if (min < policies.minReplicas()) {
        problems.add(
            new FieldError(
                "spec.replicas.min",
                min
                    + " is below the minimum of "
                    + policies.minReplicas()
                    + " that Environment \""
                    + envName
                    + "\" requires"));
      }
    }
  }
}
