package dev.bosun.operator.client;

import dev.bosun.api.v1alpha1.Durations;
import dev.bosun.api.v1alpha1.GateReport;
import dev.bosun.api.v1alpha1.GateResult;
import dev.bosun.api.v1alpha1.Gates;
import dev.bosun.api.v1alpha1.PromotionGates;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSlo;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import dev.bosun.api.v1alpha1.WorkloadType;
import dev.bosun.operator.client.GateEvaluation.Answer;
import dev.bosun.operator.client.GateEvaluation.LoadRun;
import dev.bosun.operator.client.GateEvaluation.Probe;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs an Environment's promotion gates against a Workload where it runs now, through the router,
 * and records the report in the Workload's {@code status.gates} (server-side apply of the status
 * under {@link Gates#FIELD_MANAGER}). Its I/O only: the verdicts are {@link GateEvaluation}'s.
 *
 * <p>The gates run in {@link Gates#ORDER}; one that fails skips the rest. The load is open-loop
 * (requests start at the declared rate whatever the answers), sent as the ServiceAccount {@value
 * #CALLER} of the Workload's namespace ({@link RouterCaller}). What the client may not do (make
 * that ServiceAccount, delete a pod, write the status) fails as the API server refuses it: RBAC has
 * the final word, so an impersonating client can run the gates.
 */
public final class PromotionGateRunner {

  /** The ServiceAccount the gates' requests come from, in the Workload's namespace. */
  public static final String CALLER = "bosun-gates";

  /** How long one request may take before it counts as unanswered. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** Well-formed requests after the malformed ones: all must succeed. */
  static final int REQUESTS_AFTER_PROBES = 4;

  /** An oversized body: larger than a JSON completion request has a reason to be. */
  static final int OVERSIZED_BYTES = 2 * 1024 * 1024;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final KubernetesClient client;
  private final URI router;
  private final Consumer<String> progress;

  private PromotionGateRunner(KubernetesClient client, URI router, Consumer<String> progress) {
    this.client = client;
    this.router = router;
    this.progress = progress;
  }

  /**
   * Runs the gates of Environment {@code to} against Workload {@code name} in Environment {@code
   * from} (which must report it Ready), records the report in its status and returns it. Nothing is
   * promoted: {@link WorkloadClient#promote} does that once the gates pass.
   *
   * @param router the router's base URL, such as http://127.0.0.1:8080
   * @param progress a line per step, as it happens
   */
  public static GateReport run(
      KubernetesClient client,
      URI router,
      String name,
      String from,
      String to,
      Consumer<String> progress) {
    WorkloadClient workloads = new WorkloadClient(client);
    return run(client, router, workloads.candidate(name, from, to), progress);
  }

  static GateReport run(
      KubernetesClient client,
      URI router,
      WorkloadClient.Candidate candidate,
      Consumer<String> progress) {
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      return new PromotionGateRunner(client, router, progress).gates(http, candidate);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while running the promotion gates");
    }
  }

  private GateReport gates(HttpClient http, WorkloadClient.Candidate candidate)
      throws InterruptedException {
    Workload workload = candidate.workload();
    String namespace = workload.getMetadata().getNamespace();
    String name = workload.getMetadata().getName();
    String environment = candidate.target().getMetadata().getName();
    PromotionGates gates = candidate.target().getSpec().gatesOrNone();
    WorkloadSlo slo = workload.getSpec().slo();
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Duration loadDuration =
        gates.loadTest() == null ? Duration.ZERO : Durations.parse(gates.loadTest().duration());
    progress.accept(
        "gates of "
            + environment
            + " against "
            + namespace
            + "/"
            + name
            + " ("
            + candidate.image()
            + ") through "
            + router);
    String token = RouterCaller.token(client, namespace, CALLER, loadDuration.multipliedBy(2));
    Target target = new Target(http, workloadUri(namespace, name), token, name);
    String path = loadPath(workload, gates);

    List<GateResult> results = new ArrayList<>();
    if (gates.loadTest() != null) {
      if (slo == null) {
        results.add(noSlo(Gates.LOAD_TEST));
      } else {
        progress.accept(
            Gates.LOAD_TEST
                + ": "
                + slo.requestsPerSecond()
                + " requests/s to "
                + path
                + " for "
                + loadDuration.toSeconds()
                + "s");
        LoadRun run = load(target, path, slo.requestsPerSecond(), loadDuration, null);
        report(results, GateEvaluation.loadTest(slo, run));
        report(results, GateEvaluation.serviceLevel(slo, run));
      }
    }
    if (gates.malformedInput() != null && GateEvaluation.passed(results)) {
      progress.accept(
          Gates.MALFORMED_INPUT + ": malformed requests to " + gates.malformedInput().paths());
      List<Probe> probes = new ArrayList<>();
      for (String probed : gates.malformedInput().paths()) {
        for (MalformedRequest malformed : MalformedRequest.values()) {
          probes.add(
              new Probe(probed, malformed.kind, send(target, probed, malformed.body(name)).join()));
        }
      }
      List<Answer> afterwards = new ArrayList<>();
      for (int i = 0; i < REQUESTS_AFTER_PROBES; i++) {
        afterwards.add(send(target, path, wellFormed(name)).join());
      }
      report(results, GateEvaluation.malformedInput(probes, afterwards));
    }
    boolean outage =
        gates.partialOutage() != null && Boolean.TRUE.equals(gates.partialOutage().enabled());
    if (outage && GateEvaluation.passed(results)) {
      if (slo == null) {
        results.add(noSlo(Gates.PARTIAL_OUTAGE));
      } else {
        Pod victim = victim(workload);
        progress.accept(
            Gates.PARTIAL_OUTAGE
                + ": "
                + slo.requestsPerSecond()
                + " requests/s for "
                + loadDuration.toSeconds()
                + "s; pod "
                + victim.getMetadata().getName()
                + " deleted a third of the way in");
        LoadRun run =
            load(
                target,
                path,
                slo.requestsPerSecond(),
                loadDuration,
                () -> client.pods().resource(victim).delete());
        report(results, GateEvaluation.partialOutage(slo, run, victim.getMetadata().getName()));
      }
    }
    skipAfterFailure(results, gates, outage);
    GateReport report =
        new GateReport(
            environment,
            candidate.image(),
            started.toString(),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            GateEvaluation.passed(results),
            results);
    record(workload, report);
    return report;
  }

  /** The gates configured but not run because one before them failed, named as skipped. */
  private static void skipAfterFailure(
      List<GateResult> results, PromotionGates gates, boolean outage) {
    var failed = results.stream().filter(r -> Boolean.FALSE.equals(r.passed())).findFirst();
    if (failed.isEmpty()) {
      return;
    }
    List<String> configured = new ArrayList<>();
    if (gates.loadTest() != null) {
      configured.addAll(List.of(Gates.LOAD_TEST, Gates.SERVICE_LEVEL));
    }
    if (gates.malformedInput() != null) {
      configured.add(Gates.MALFORMED_INPUT);
    }
    if (outage) {
      configured.add(Gates.PARTIAL_OUTAGE);
    }
    for (String gate : configured) {
      if (results.stream().noneMatch(r -> r.name().equals(gate))) {
        results.add(GateEvaluation.skipped(gate, failed.get().name()));
      }
    }
  }

  private void report(List<GateResult> results, GateResult result) {
    results.add(result);
    progress.accept(
        result.name()
            + (Boolean.TRUE.equals(result.passed()) ? " passed: " : " FAILED: ")
            + result.message());
  }

  private static GateResult noSlo(String gate) {
    return GateEvaluation.cannotRun(
        gate,
        "the Workload declares no spec.slo: the gate needs its requestsPerSecond, latencyP99 and"
            + " errorRate");
  }

  /** Writes the report as the Workload's status.gates, owned by the gates' field manager alone. */
  private void record(Workload workload, GateReport report) {
    var patch = new Workload();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(workload.getMetadata().getName())
            .withNamespace(workload.getMetadata().getNamespace())
            .build());
    patch.setStatus(WorkloadStatus.ofGates(report));
    client
        .resources(Workload.class)
        .inNamespace(workload.getMetadata().getNamespace())
        .withName(workload.getMetadata().getName())
        .subresource("status")
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager(Gates.FIELD_MANAGER)
                .withForce(true)
                .build(),
            new KubernetesSerialization().asJson(patch));
  }

  /** The pod taken away: the first Ready one by name, so that a rerun picks alike. */
  private Pod victim(Workload workload) {
    return new WorkloadClient(client)
        .pods(workload).stream()
            .filter(
                p ->
                    p.getStatus() != null
                        && p.getStatus().getConditions().stream()
                            .anyMatch(
                                c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
            .min(Comparator.comparing(p -> p.getMetadata().getName()))
            .orElseThrow(
                () ->
                    new UserError(
                        "no Ready pod of "
                            + workload.getMetadata().getName()
                            + " to take away for the partial outage gate"));
  }

  /**
   * Where the load goes: an Inference Workload's {@code /v1/completions} (the OpenAI API vLLM
   * serves), else the first malformed-input path, else {@code /}.
   */
  static String loadPath(Workload workload, PromotionGates gates) {
    if (workload.getSpec().type() == WorkloadType.Inference) {
      return "/v1/completions";
    }
    return gates.malformedInput() == null ? "/" : gates.malformedInput().paths().getFirst();
  }

  private URI workloadUri(String namespace, String name) {
    String base = router.toString().replaceAll("/+$", "");
    return URI.create(base + "/workloads/" + namespace + "/" + name);
  }

  /** Where requests go, and as whom. */
  private record Target(HttpClient http, URI workload, String token, String model) {
    HttpRequest.Builder to(String path) {
      return HttpRequest.newBuilder(URI.create(workload + path))
          .timeout(REQUEST_TIMEOUT)
          .header("Authorization", "Bearer " + token);
    }
  }

  /** A POST body and its Content-Type. */
  record Body(String contentType, byte[] bytes) {
    static Body json(String text) {
      return new Body("application/json", text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Body wellFormed(String model) {
    return Body.json(
        "{\"model\":\"" + model + "\",\"prompt\":\"bosun promotion gate\",\"max_tokens\":16}");
  }

  /** The malformed requests of the {@value Gates#MALFORMED_INPUT} gate. */
  enum MalformedRequest {
    TRUNCATED("truncated JSON"),
    OVERSIZED("oversized body"),
    WRONG_TYPE("wrong types"),
    WRONG_ENCODING("invalid UTF-8"),
    WRONG_CONTENT_TYPE("wrong Content-Type");

    final String kind;

    MalformedRequest(String kind) {
      this.kind = kind;
    }

    Body body(String model) {
      return switch (this) {
        case TRUNCATED -> Body.json("{\"model\":\"" + model + "\",\"prompt\":\"bosun promotion ga");
        case OVERSIZED -> Body.json("{\"prompt\":\"" + "a".repeat(OVERSIZED_BYTES) + "\"}");
        case WRONG_TYPE ->
            Body.json("{\"model\":42,\"prompt\":[\"a\",\"list\"],\"max_tokens\":\"many\"}");
        case WRONG_ENCODING -> {
          byte[] prefix = "{\"prompt\":\"".getBytes(StandardCharsets.US_ASCII);
          byte[] bytes = Arrays.copyOf(prefix, prefix.length + 4);
          // 0xC3 0x28: a two-byte sequence whose second byte is not a continuation byte.
          bytes[prefix.length] = (byte) 0xC3;
          bytes[prefix.length + 1] = 0x28;
          bytes[prefix.length + 2] = '"';
          bytes[prefix.length + 3] = '}';
          yield new Body("application/json", bytes);
        }
        case WRONG_CONTENT_TYPE ->
            new Body(
                "application/x-www-form-urlencoded",
                "prompt=bosun+promotion+gate".getBytes(StandardCharsets.US_ASCII));
      };
    }
  }

  /** POSTs {@code body} to {@code path}; its answer, or why there was none. */
  private static CompletableFuture<Answer> send(Target target, String path, Body body) {
    HttpRequest request =
        target
            .to(path)
            .header("Content-Type", body.contentType())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
            .build();
    long sentAt = System.nanoTime();
    return target
        .http()
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, failure) ->
                failure == null
                    ? Answer.of(response.statusCode(), Duration.ofNanos(System.nanoTime() - sentAt))
                    : Answer.unanswered(reason(failure)));
  }

  private static String reason(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  /**
   * Open-loop load: {@code rps} requests a second for {@code duration} whatever the answers; {@code
   * aThirdIn}, if any, runs on its own thread a third of the way in. Returns once every request is
   * answered or timed out.
   */
  private static LoadRun load(
      Target target, String path, int rps, Duration duration, Runnable aThirdIn)
      throws InterruptedException {
    long count = rps * duration.toSeconds();
    long interval = NANOS_PER_SECOND / rps;
    long start = System.nanoTime();
    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    CompletableFuture<Void> aside = CompletableFuture.completedFuture(null);
    for (long i = 0; i < count; i++) {
      long at = start + i * interval;
      for (long left = at - System.nanoTime(); left > 0; left = at - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (aThirdIn != null && i == count / 3) {
        aside =
            CompletableFuture.runAsync(
                aThirdIn, Thread.ofVirtual().name("bosun-gates-outage")::start);
      }
      answers.add(send(target, path, wellFormed(target.model())));
    }
    List<Answer> answered = answers.stream().map(CompletableFuture::join).toList();
    // What ran aside (the pod's deletion) failing fails the run: its evidence would be false.
    aside.join();
    return new LoadRun(rps, duration, answered);
  }
}
