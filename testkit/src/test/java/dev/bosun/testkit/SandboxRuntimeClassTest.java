package dev.bosun.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.localcluster.LocalVolumeProvisioner;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** deploy/ ships the RuntimeClass the local cluster installs and sandbox pods name. */
class SandboxRuntimeClassTest {
  private static final Path RUNTIME_CLASS =
      Path.of("..", "deploy", "sandbox", "runtimeclass.yaml").toAbsolutePath().normalize();

  @Test
  void deployShipsTheRuntimeClassOfTheConstants() throws IOException {
    var shipped =
        new KubernetesSerialization()
            .unmarshal(Files.readString(RUNTIME_CLASS), RuntimeClass.class);
    assertThat(shipped).isEqualTo(LocalVolumeProvisioner.sandboxRuntimeClass());
  }
}
