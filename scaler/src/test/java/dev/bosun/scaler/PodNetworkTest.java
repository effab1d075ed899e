package dev.bosun.scaler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PodNetworkTest {
  @TempDir Path dir;

  @Test
  void dialsTheAddressInTheDirectory() throws Exception {
    Files.writeString(dir.resolve("10.244.0.7_8080"), "127.0.0.1:41234\n");
    InetSocketAddress address = PodNetwork.directory(dir).address("10.244.0.7", 8080);
    assertThat(address.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(address.getPort()).isEqualTo(41234);
  }

  @Test
  void nothingThereYetIsNoRoute() {
    assertThatThrownBy(() -> PodNetwork.directory(dir).address("10.244.0.7", 8080))
        .isInstanceOf(PodNetwork.NoRoute.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.1:80",
        "localhost:80",
        "127.0.0.1",
        "127.0.0.1:0",
        "127.0.0.1:70000",
        "127.0.0.1:80\n10.0.0.1:80",
        "",
        "169.254.169.254:80"
      })
  void refusesAnythingButLoopback(String content) throws Exception {
    Files.writeString(dir.resolve("10.244.0.7_8080"), content);
    assertThatThrownBy(() -> PodNetwork.directory(dir).address("10.244.0.7", 8080))
        .isInstanceOf(PodNetwork.NoRoute.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc", "a/b", "example.com", "10.0.0.1/../../x"})
  void refusesPodIpsThatAreNotAddresses(String podIP) {
    assertThatThrownBy(() -> PodNetwork.directory(dir).address(podIP, 80))
        .isInstanceOf(PodNetwork.NoRoute.class);
    assertThatThrownBy(() -> PodNetwork.direct().address(podIP, 80))
        .isInstanceOf(PodNetwork.NoRoute.class);
  }
}
