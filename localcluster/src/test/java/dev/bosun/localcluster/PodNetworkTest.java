package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodNetworkTest {

  @TempDir Path home;

  @Test
  void aRegisteredEndpointIsOneLineInAFileNamedAfterIt() throws IOException {
    var network = PodNetwork.atHome(home);
    var endpoint = new PodNetwork.Endpoint("10.0.0.7", 8080);
    network.register(endpoint, new InetSocketAddress("127.0.0.1", 41234));

    assertThat(home.resolve("pod-network/10.0.0.7_8080")).hasContent("127.0.0.1:41234\n");
    assertThat(network.lookup(endpoint)).contains(new InetSocketAddress("127.0.0.1", 41234));
    // No temporary file is left beside it.
    try (var files = Files.list(network.directory())) {
      assertThat(files).containsExactly(home.resolve("pod-network/10.0.0.7_8080"));
    }
  }

  @Test
  void registeringAgainReplacesAndRemovingForgets() {
    var network = PodNetwork.atHome(home);
    var endpoint = new PodNetwork.Endpoint("10.0.0.7", 8080);
    network.register(endpoint, new InetSocketAddress("127.0.0.1", 1000));
    network.register(endpoint, new InetSocketAddress("127.0.0.1", 2000));
    assertThat(network.lookup(endpoint)).contains(new InetSocketAddress("127.0.0.1", 2000));

    network.remove(endpoint);
    assertThat(network.lookup(endpoint)).isEmpty();
    network.remove(endpoint);
  }

  @Test
  void aFileWithSomethingElseIsAnErrorNamingTheFile() throws IOException {
    var network = PodNetwork.atHome(home);
    Files.createDirectories(network.directory());
    Files.writeString(network.directory().resolve("10.0.0.7_8080"), "localhost:80\n");

    assertThatThrownBy(() -> network.lookup(new PodNetwork.Endpoint("10.0.0.7", 8080)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10.0.0.7_8080")
        .hasMessageContaining("host: must be an IP address, got \"localhost\"");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''                         | must be one line <host>:<port>",
        "'127.0.0.1:80\n127.0.0.1:81' | must be one line <host>:<port>",
        "127.0.0.1                  | must be <host>:<port>",
        "':80'                      | must be <host>:<port>",
        "127.0.0.1:0                | port: must be from 1 to 65535, got 0",
        "127.0.0.1:65536            | port: must be from 1 to 65535, got 65536",
        "127.0.0.1:http             | port: must be a number from 1 to 65535",
        "example.com:80             | host: must be an IP address",
      })
  void badContentIsRejectedWithWhatIsWrong(String content, String message) {
    assertThatThrownBy(() -> PodNetwork.parse(content.replace("\\n", "\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource({"10.0.0.7_8080, 10.0.0.7, 8080", "fd00::1_80, fd00::1, 80"})
  void aFileNameIsAnEndpoint(String name, String podIp, int port) {
    assertThat(PodNetwork.Endpoint.ofFileName(name))
        .isEqualTo(new PodNetwork.Endpoint(podIp, port));
  }

  @ParameterizedTest
  @CsvSource({"10.0.0.7", "10.0.0.7_", "pod_8080", "10.0.0.7_99999", "../x_80"})
  void aNameThatIsNoEndpointIsRejected(String name) {
    assertThatThrownBy(() -> PodNetwork.Endpoint.ofFileName(name))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void formatThenParseIsTheAddress(
      @ForAll @IntRange(min = 0, max = 255) int a,
      @ForAll @IntRange(min = 0, max = 255) int b,
      @ForAll @IntRange(min = 1, max = 65535) int port) {
    var address = new InetSocketAddress("10." + a + "." + b + ".1", port);
    assertThat(PodNetwork.parse(PodNetwork.format(address))).isEqualTo(address);
  }

  @Property
  void anyContentIsAnAddressOrAnIllegalArgument(@ForAll String content) {
    try {
      assertThat(PodNetwork.parse(content).getPort()).isBetween(1, 65535);
    } catch (IllegalArgumentException expected) {
      assertThat(expected).hasMessageContaining("got");
    }
  }
}
