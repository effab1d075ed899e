package dev.bosun.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stand-in agent on a real loopback port. */
class StandInAgentTest {
  private static final StandInPlan.StandIn STAND_IN =
      new StandInPlan.StandIn(
          "uid-1",
          "team",
          "agent-pod",
          "agent",
          new PodNetwork.Endpoint("10.0.0.9", 8080),
          Optional.of("agent-memory"));

  @TempDir Path memory;

  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    http.close();
    executor.close();
  }

  @Test
  void getCountsInTheMemoryDirectoryAcrossServers() throws Exception {
    try (var agent = StandInAgent.start(STAND_IN, Optional.of(memory), executor)) {
      assertThat(get(agent, "/").body())
          .isEqualTo("{\"pod\":\"agent-pod\",\"sandbox\":\"agent\",\"path\":\"/\",\"requests\":1}");
      get(agent, "/x");
    }
    try (var next = StandInAgent.start(STAND_IN, Optional.of(memory), executor)) {
      assertThat(get(next, "/").body()).contains("\"requests\":3");
    }
    assertThat(memory.resolve("requests")).hasContent("3\n");
  }

  @Test
  void postEchoesBoundedBodies() throws Exception {
    try (var agent = StandInAgent.start(STAND_IN, Optional.empty(), executor)) {
      var echo = send(agent, "POST", "/run", new byte[] {'h', 'i'});
      assertThat(echo.statusCode()).isEqualTo(200);
      assertThat(echo.body()).contains("\"path\":\"/run\"").contains("\"body\":\"hi\"");

      var tooLarge = send(agent, "POST", "/run", new byte[StandInAgent.MAX_BODY + 1]);
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertThat(send(agent, "DELETE", "/", new byte[0]).statusCode()).isEqualTo(405);
    }
  }

  @Test
  void aCounterThatIsNoNumberIsAnErrorNotAReset() throws Exception {
    Files.writeString(memory.resolve("requests"), "many\n");
    try (var agent = StandInAgent.start(STAND_IN, Optional.of(memory), executor)) {
      var response = get(agent, "/");
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).contains("requests");
    }
    assertThat(memory.resolve("requests")).hasContent("many\n");
  }

  private HttpResponse<String> send(StandInAgent agent, String method, String path, byte[] body)
      throws IOException, InterruptedException {
    var address = agent.address();
    var uri = URI.create("http://" + address.getHostString() + ":" + address.getPort() + path);
    return http.send(
        HttpRequest.newBuilder(uri)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(StandInAgent agent, String path)
      throws IOException, InterruptedException {
    return send(agent, "GET", path, new byte[0]);
  }
}
