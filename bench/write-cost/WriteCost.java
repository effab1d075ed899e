// What one write costs kube-apiserver, by kind and by how it is sent: run with
// bench/write-cost/run.sh, which starts a local cluster of its own with Bosun's CRDs and tiers and
// no operator (nothing reacts to the Workloads). For each way of writing, N writes from 8 threads,
// and the CPU time kube-apiserver spent meanwhile, per write. Each status write changes one field,
// so that none is a no-op. The CPU time is read from /proc/<pid>/stat, not from the API server's
// own process_cpu_seconds_total as OperatorScaleBench does: serving /metrics costs it a few tenths
// of a CPU second, too much inside a window of a few seconds.

import com.fasterxml.jackson.core.type.TypeReference;
import dev.bosun.api.v1alpha1.Replicas;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.api.v1alpha1.WorkloadSpecBuilder;
import dev.bosun.api.v1alpha1.WorkloadType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

static final String NAMESPACE = "write-cost";

/** The status the operator writes for a Ready cpu-s Service Workload (read off a local cluster). */
static final String STATUS =
    """
    {
      "children": [
        {
          "apiVersion": "v1",
          "kind": "ServiceAccount",
          "name": "w-0",
          "namespace": "write-cost"
        },
        {
          "apiVersion": "networking.k8s.io/v1",
          "kind": "NetworkPolicy",
          "name": "w-0",
          "namespace": "write-cost"
        },
        {
          "apiVersion": "v1",
          "kind": "Service",
          "name": "w-0",
          "namespace": "write-cost"
        },
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "name": "w-0",
          "namespace": "write-cost"
        },
        {
          "apiVersion": "policy/v1",
          "kind": "PodDisruptionBudget",
          "name": "w-0",
          "namespace": "write-cost"
        }
      ],
      "conditions": [
        {
          "lastTransitionTime": "2026-12-02T09:41:37Z",
          "message": "1 of 1 replicas ready",
          "observedGeneration": 1,
          "reason": "ReplicasReady",
          "status": "True",
          "type": "Ready"
        },
        {
          "lastTransitionTime": "2026-12-02T09:41:37Z",
          "observedGeneration": 1,
          "reason": "Complete",
          "status": "False",
          "type": "Progressing"
        },
        {
          "lastTransitionTime": "2026-12-02T09:41:37Z",
          "observedGeneration": 1,
          "reason": "AsExpected",
          "status": "False",
          "type": "Degraded"
        }
      ],
      "desiredReplicas": 1,
      "observedGeneration": 1,
      "readyReplicas": 1,
      "tier": "cpu-s"
    }
    """;

static final ResourceDefinitionContext WORKLOADS =
    new ResourceDefinitionContext.Builder()
        .withGroup("bosun.dev")
        .withVersion("v1alpha1")
        .withKind("Workload")
        .withPlural("workloads")
        .withNamespaced(true)
        .build();

KubernetesClient client;
long apiServerPid;

void main() throws Exception {
  int n = Integer.getInteger("writes", 1000);
  apiServerPid = Long.parseLong(System.getProperty("apiServerPid"));
  client = new KubernetesClientBuilder().build();
  client
      .namespaces()
      .resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
      .serverSideApply();
  Map<String, Object> status =
      Serialization.jsonMapper().readValue(STATUS, new TypeReference<Map<String, Object>>() {});

  time(
      "Workload create",
      n,
      i -> client.resources(Workload.class).inNamespace(NAMESPACE).resource(workload(i)).create());
  time(
      "ConfigMap create",
      n,
      i -> client.configMaps().inNamespace(NAMESPACE).resource(configMap(i, "a")).create());
  for (String value : List.of("b", "c", "d")) {
    time(
        "Workload status, server-side apply",
        n,
        i ->
            client
                .genericKubernetesResources(WORKLOADS)
                .inNamespace(NAMESPACE)
                .resource(statusOnly(i, status))
                .subresource("status")
                .patch(
                    new PatchContext.Builder()
                        .withPatchType(PatchType.SERVER_SIDE_APPLY)
                        .withFieldManager("bench")
                        .withForce(true)
                        .build()));
    time(
        "Workload status, JSON merge patch of one field",
        n,
        i ->
            client
                .resources(Workload.class)
                .inNamespace(NAMESPACE)
                // By the object, not by name: by name fabric8 would GET it before patching.
                .resource(named(i))
                .subresource("status")
                .patch(
                    PatchContext.of(PatchType.JSON_MERGE),
                    "{\"status\":{\"readyReplicas\":" + (i + 1) % 2 + "}}"));
    time(
        "ConfigMap, server-side apply",
        n,
        i ->
            client
                .configMaps()
                .inNamespace(NAMESPACE)
                .resource(configMap(i, value))
                .fieldManager("bench")
                .forceConflicts()
                .serverSideApply());
  }
  client.close();
}

void time(String what, int n, IntConsumer write) throws Exception {
  double before = apiServerCpuSeconds();
  long start = System.nanoTime();
  try (var threads = Executors.newFixedThreadPool(8)) {
    IntStream.range(0, n).forEach(i -> threads.submit(() -> write.accept(i)));
  }
  double seconds = (System.nanoTime() - start) / 1e9;
  double cpu = apiServerCpuSeconds() - before;
  System.out.printf(
      "%-48s %5d writes in %5.1f s; kube-apiserver %6.2f CPU s, %5.2f ms a write%n",
      what, n, seconds, cpu, cpu * 1000 / n);
}

double apiServerCpuSeconds() throws Exception {
  String stat = Files.readString(Path.of("/proc/" + apiServerPid + "/stat"));
  List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
  // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 1/100 s on Linux.
  return (Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12))) / 100.0;
}

static String name(int i) {
  return "w-" + i;
}

static Workload workload(int i) {
  var workload = new Workload();
  workload.setMetadata(new ObjectMetaBuilder().withName(name(i)).build());
  workload.setSpec(
      new WorkloadSpecBuilder()
          .withType(WorkloadType.Service)
          .withImage("registry.example.com/acme/web:1")
          .withSize("cpu-s")
          .withPort(8080)
          .withReplicas(new Replicas(1, 1))
          .build());
  return workload;
}

static Workload named(int i) {
  var workload = new Workload();
  workload.setMetadata(new ObjectMetaBuilder().withName(name(i)).withNamespace(NAMESPACE).build());
  return workload;
}

/**
 * The Workload's name and {@code status}, its ready replicas changed so that every write is one.
 */
static GenericKubernetesResource statusOnly(int i, Map<String, Object> status) {
  var changed = new HashMap<>(status);
  changed.put("readyReplicas", i % 2);
  var resource = new GenericKubernetesResource();
  resource.setApiVersion("bosun.dev/v1alpha1");
  resource.setKind("Workload");
  resource.setMetadata(new ObjectMetaBuilder().withName(name(i)).withNamespace(NAMESPACE).build());
  resource.setAdditionalProperty("status", changed);
  return resource;
}

static ConfigMap configMap(int i, String value) {
  return new ConfigMapBuilder()
      .withNewMetadata()
      .withName("c-" + i)
      .endMetadata()
      .addToData("value", value.repeat(100))
      .build();
}
