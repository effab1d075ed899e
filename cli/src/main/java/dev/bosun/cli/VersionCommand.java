package dev.bosun.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bosun.api.v1alpha1.DeploymentAgentPolicy;
import dev.bosun.api.v1alpha1.Environment;
import dev.bosun.api.v1alpha1.GpuHealthPolicy;
import dev.bosun.api.v1alpha1.GpuNodeHealth;
import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.SandboxClaim;
import dev.bosun.api.v1alpha1.SandboxTemplate;
import dev.bosun.api.v1alpha1.SandboxWarmPool;
import dev.bosun.api.v1alpha1.Tier;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.cli.deploy.ClusterOptions;
import dev.bosun.gpu.ExitCodes;
import dev.bosun.operator.client.UserError;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bosun version}: this CLI's version, and the operator's and the CRDs' on the cluster it
 * points at, with a warning where they are out of step.
 */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description =
        "Print this CLI's version and, unless --client, the operator's and the CRDs' on the"
            + " cluster, warning on skew.")
final class VersionCommand implements Callable<Integer> {
  /** The label Bosun's operator Deployment carries, in deploy/ and in the Helm chart. */
  static final String OPERATOR_NAME_LABEL = "app.kubernetes.io/name";

  static final String OPERATOR_NAME = "bosun-operator";
  static final String VERSION_LABEL = "app.kubernetes.io/version";

  /** Every kind whose CRD Bosun ships, in deploy/crds and the chart's crds/. */
  private static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          Workload.class,
          Tier.class,
          Environment.class,
          GpuNodeHealth.class,
          GpuHealthPolicy.class,
          Sandbox.class,
          SandboxTemplate.class,
          SandboxWarmPool.class,
          SandboxClaim.class,
          DeploymentAgentPolicy.class);

  enum Format {
    text,
    json
  }

  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Option(names = "--client", description = "Print only this CLI's version; ask no cluster.")
  boolean clientOnly;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      description = "text or json; default ${DEFAULT-VALUE}.")
  Format format;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String client = Bosun.Version.current();
    if (clientOnly) {
      out.println(format == Format.json ? json(Map.of("client", client)) : "bosun " + client);
      return ExitCodes.OK;
    }
    VersionReport report;
    try (KubernetesClient kube = cluster.client()) {
      report = new VersionReport(client, operators(kube), crds(kube));
    } catch (UserError e) {
      err.println(e.getMessage());
      return ExitCodes.INVALID_INPUT;
    } catch (KubernetesClientException e) {
      out.println(format == Format.json ? json(Map.of("client", client)) : "bosun " + client);
      err.println("Cannot ask the cluster for its versions: " + reason(e));
      return ExitCodes.UNAVAILABLE;
    }
    if (format == Format.json) {
      out.println(
          json(
              Map.of(
                  "client", client,
                  "operators", report.operators(),
                  "crds", report.crds(),
                  "warnings", report.warnings())));
    } else {
      report.lines().forEach(out::println);
    }
    report.warnings().forEach(w -> err.println("warning: " + w));
    return ExitCodes.OK;
  }

  /** The operator Deployments of any namespace this user may list; else of bosun-system. */
  private static List<VersionReport.Operator> operators(KubernetesClient kube) {
    List<Deployment> found;
    try {
      found =
          kube.apps()
              .deployments()
              .inAnyNamespace()
              .withLabel(OPERATOR_NAME_LABEL, OPERATOR_NAME)
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      found =
          kube.apps()
              .deployments()
              .inNamespace("bosun-system")
              .withLabel(OPERATOR_NAME_LABEL, OPERATOR_NAME)
              .list()
              .getItems();
    }
    return found.stream()
        .map(
            d ->
                new VersionReport.Operator(
                    d.getMetadata().getNamespace(),
                    d.getMetadata().getName(),
                    d.getMetadata().getLabels().get(VERSION_LABEL),
                    Objects.requireNonNullElse(
                        d.getStatus() == null ? null : d.getStatus().getReadyReplicas(), 0),
                    Objects.requireNonNullElse(d.getSpec().getReplicas(), 1)))
        .toList();
  }

  private static List<VersionReport.Crd> crds(KubernetesClient kube) {
    return KINDS.stream()
        .map(VersionCommand::shipped)
        .map(
            shipped -> {
              String name = shipped.getMetadata().getName();
              CustomResourceDefinition installed =
                  kube.apiextensions().v1().customResourceDefinitions().withName(name).get();
              return new VersionReport.Crd(name, compare(shipped, installed));
            })
        .toList();
  }

  /** Same when the cluster serves every version this CLI knows, each with the same schema. */
  static VersionReport.CrdState compare(
      CustomResourceDefinition shipped, CustomResourceDefinition installed) {
    if (installed == null) {
      return VersionReport.CrdState.MISSING;
    }
    Map<String, CustomResourceDefinitionVersion> served =
        installed.getSpec().getVersions().stream()
            .collect(
                Collectors.toMap(CustomResourceDefinitionVersion::getName, Function.identity()));
    boolean same =
        shipped.getSpec().getVersions().stream()
            .allMatch(
                v ->
                    Optional.ofNullable(served.get(v.getName()))
                        .filter(s -> Objects.equals(s.getSchema(), v.getSchema()))
                        .isPresent());
    return same ? VersionReport.CrdState.SAME : VersionReport.CrdState.DIFFERENT;
  }

  /** The CRD this CLI was built with, as deploy/crds has it (carried in the api jar). */
  private static CustomResourceDefinition shipped(Class<? extends HasMetadata> kind) {
    String file = HasMetadata.getPlural(kind) + "." + HasMetadata.getGroup(kind) + "-v1.yml";
    try (InputStream in = Workload.class.getResourceAsStream("/dev/bosun/api/crds/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the CRD " + file + " is missing from the api jar");
      }
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String reason(KubernetesClientException e) {
    return Stream.of(e.getStatus() == null ? null : e.getStatus().getMessage(), e.getMessage())
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(e.getClass().getSimpleName());
  }

  private static String json(Object value) throws IOException {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
  }
}
