package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StandInBehaviourTest {

  @Test
  void wordsPickTheMisbehaviours() {
    assertThat(StandInBehaviour.parse("")).isEqualTo(StandInBehaviour.GOOD);
    assertThat(StandInBehaviour.parse(" crash-on-malformed-input ,no-drain,service-time=2s"))
        .isEqualTo(
            new StandInBehaviour(true, false, Optional.of(Duration.ofSeconds(2)), List.of()));
    assertThat(StandInBehaviour.parse("service-time=1500ms").serviceTime())
        .contains(Duration.ofMillis(1500));
  }

  @Test
  void unknownWordsAndBadTimesAreProblemsAndChangeNothing() {
    var behaviour = StandInBehaviour.parse("explode,service-time=2h");
    assertThat(behaviour.crashesOnMalformedInput()).isFalse();
    assertThat(behaviour.drains()).isTrue();
    assertThat(behaviour.serviceTime()).isEmpty();
    assertThat(behaviour.problems())
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("unknown word 'explode'"))
        .anySatisfy(p -> assertThat(p).contains("service-time=2h"));
  }

  @Test
  void itIsReadFromThePodsFirstContainer() {
    var pod =
        new PodBuilder()
            .withNewSpec()
            .addNewContainer()
            .withName("main")
            .addNewEnv()
            .withName(StandInBehaviour.ENV)
            .withValue("no-drain")
            .endEnv()
            .endContainer()
            .endSpec()
            .build();
    assertThat(StandInBehaviour.of(pod).drains()).isFalse();
    assertThat(
            StandInBehaviour.of(
                new PodBuilder()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("main")
                    .endContainer()
                    .endSpec()
                    .build()))
        .isEqualTo(StandInBehaviour.GOOD);
  }
}
