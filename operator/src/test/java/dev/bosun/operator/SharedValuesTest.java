package dev.bosun.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.api.v1alpha1.ChildReference;
import dev.bosun.api.v1alpha1.Condition;
import dev.bosun.api.v1alpha1.WorkloadStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SharedValuesTest {

  /** A pod as a watch decodes it: every string a new instance. */
  private static Pod decodedPod(String name, String uid) {
    return Serialization.unmarshal(
        """
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"%s","namespace":"team","uid":"%s","resourceVersion":"%s",
           "labels":{"bosun.dev/workload":"train","job-name":"train"},
           "ownerReferences":[{"apiVersion":"batch/v1","kind":"Job","name":"train","uid":"j-1"}]},
         "spec":{"nodeName":"kwok-h100-0","readinessGates":[]},
         "status":{"phase":"Succeeded","podIP":"10.0.0.7","conditions":[
           {"type":"Ready","status":"False","reason":"PodCompleted",
            "lastTransitionTime":"2026-12-02T18:00:00Z"},
           {"type":"PodScheduled","status":"True","lastTransitionTime":"2026-12-02T18:00:00Z"}]}}
        """
            .formatted(name, uid, uid.substring(0, 8)),
        Pod.class);
  }

  @Test
  void aSharedPodEqualsTheDecodedOneAndWritesTheSameJson() {
    String uid = UUID.randomUUID().toString();
    Pod pod = decodedPod("train-0", uid);
    String before = Serialization.asJson(pod);

    Pod shared = SharedValues.share(decodedPod("train-0", uid));

    assertThat(shared).isEqualTo(pod);
    assertThat(Serialization.asJson(shared)).isEqualTo(before);
  }

  @Test
  void twoPodsShareTheirRepeatedStringsAndNotTheirIdentities() {
    String uid = UUID.randomUUID().toString();
    // Equal strings already in the JVM's string table: what interning would hand back.
    String internedUid = uid.intern();
    String internedVersion = uid.substring(0, 8).intern();
    Pod one = SharedValues.share(decodedPod("train-0", UUID.randomUUID().toString()));
    Pod decoded = decodedPod("train-1", uid);
    String decodedUid = decoded.getMetadata().getUid();
    String decodedVersion = decoded.getMetadata().getResourceVersion();
    Pod two = SharedValues.share(decoded);

    var conditionOne = one.getStatus().getConditions().getFirst();
    var conditionTwo = two.getStatus().getConditions().getFirst();
    assertThat(conditionTwo.getReason()).isSameAs(conditionOne.getReason());
    assertThat(conditionTwo.getLastTransitionTime()).isSameAs(conditionOne.getLastTransitionTime());
    assertThat(two.getMetadata().getLabels().get("job-name"))
        .isSameAs(one.getMetadata().getLabels().get("job-name"));
    assertThat(two.getMetadata().getOwnerReferences().getFirst().getKind())
        .isSameAs(one.getMetadata().getOwnerReferences().getFirst().getKind());
    assertThat(two.getSpec().getNodeName()).isSameAs(one.getSpec().getNodeName());
    // No other object has them: they stay the decoded instances, out of the JVM's string table.
    assertThat(two.getMetadata().getUid()).isSameAs(decodedUid).isNotSameAs(internedUid);
    assertThat(two.getMetadata().getResourceVersion())
        .isSameAs(decodedVersion)
        .isNotSameAs(internedVersion);
  }

  @Test
  void everyEmptyCollectionIsTheOneImmutableEmptyInstance() {
    Pod pod = SharedValues.share(decodedPod("train-0", UUID.randomUUID().toString()));

    assertThat(pod.getSpec().getReadinessGates()).isSameAs(List.of());
    assertThat(pod.getSpec().getContainers()).isSameAs(List.of());
    assertThat(pod.getAdditionalProperties()).isSameAs(Map.of());
    assertThat(pod.getMetadata().getAdditionalProperties()).isSameAs(Map.of());
    assertThat(pod.getStatus().getConditions().getLast().getAdditionalProperties())
        .isSameAs(Map.of());
  }

  @Test
  void recordsAreRebuiltEqualWithSharedStrings() {
    var status = status(new String("Ready"), new String("apps/v1"));
    var other = status(new String("Ready"), new String("apps/v1"));

    WorkloadStatus shared = SharedValues.share(status);
    WorkloadStatus sharedOther = SharedValues.share(other);

    assertThat(shared).isEqualTo(status).isNotSameAs(status);
    assertThat(sharedOther.conditions().getFirst().type())
        .isSameAs(shared.conditions().getFirst().type());
    assertThat(sharedOther.children().getFirst().apiVersion())
        .isSameAs(shared.children().getFirst().apiVersion());
  }

  @Test
  void aListHoldingNullKeepsItsNull() {
    var resource = new GenericKubernetesResource();
    resource.setAdditionalProperty("items", new ArrayList<>(Arrays.asList("a", null)));

    var shared = SharedValues.share(resource);

    assertThat(shared.getAdditionalProperties().get("items")).isEqualTo(Arrays.asList("a", null));
  }

  /** Whatever an object holds, sharing leaves what it says unchanged. */
  @Property(tries = 200)
  void anyObjectWritesTheSameJsonAfterSharing(@ForAll("content") Map<String, Object> content) {
    var resource = new GenericKubernetesResource();
    resource.setApiVersion("example.dev/v1");
    resource.setKind("Thing");
    content.forEach(resource::setAdditionalProperty);
    String before = Serialization.asJson(resource);

    var shared =
        SharedValues.share(Serialization.unmarshal(before, GenericKubernetesResource.class));

    assertThat(Serialization.asJson(shared)).isEqualTo(before);
  }

  @Provide
  Arbitrary<Map<String, Object>> content() {
    Arbitrary<Object> leaf =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
            Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.of(true, false).map(b -> (Object) b));
    Arbitrary<Object> nested =
        Arbitraries.oneOf(
            leaf,
            leaf.list().ofMaxSize(4).map(l -> (Object) l),
            Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6), leaf)
                .ofMaxSize(4)
                .map(m -> (Object) m));
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), nested)
        .ofMaxSize(6);
  }

  private static WorkloadStatus status(String conditionType, String apiVersion) {
    return new WorkloadStatus(
        1L,
        List.of(
            new Condition(conditionType, "True", 1L, "2026-12-02T18:00:00Z", "ReplicasReady", "")),
        "cpu-s",
        null,
        1,
        1,
        null,
        null,
        null,
        null,
        List.of(new ChildReference(apiVersion, "Deployment", "team", "web")),
        null);
  }
}
