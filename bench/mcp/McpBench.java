// MCP tool-call latency (issue 15, "Numbers"): run with bench/mcp/run.sh, which starts the local
// cluster, the operator and `bosun mcp --http PORT`, sets up the default deployment agent, and
// passes its token in MCP_TOKEN.
//
// Deploys web-api to staging through the server and waits for it, then times CALLS calls each of
// ping (the transport and the token review alone), validate_workload, render_workload and
// workload_status (after WARMUP of each), one after the other over one MCP session: p50, p99, max.

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

static final int WARMUP = 200;

void main() throws Exception {
  int calls = Integer.getInteger("calls", 1000);
  int port = Integer.getInteger("port", 18093);
  String webApi = Files.readString(Path.of("examples/web-api.yaml"));
  IO.println(
      "machine: %d cores, %s"
          .formatted(
              Runtime.getRuntime().availableProcessors(),
              Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                  .filter(l -> l.startsWith("model name"))
                  .findFirst()
                  .orElse("?")));
  McpSyncClient client =
      McpClient.sync(
              HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                  .endpoint("/mcp")
                  .requestBuilder(
                      HttpRequest.newBuilder()
                          .header("Authorization", "Bearer " + System.getenv("MCP_TOKEN")))
                  .build())
          .requestTimeout(Duration.ofMinutes(3))
          .build();
  awaitServer(client);
  var deployed =
      call(
          client,
          "deploy_workload",
          Map.of("yaml", webApi, "environment", "staging", "wait", true, "timeoutSeconds", 120));
  IO.println("deploy_workload (wait): " + deployed.content());

  Map<String, Map<String, Object>> arguments =
      Map.of(
          "validate_workload", Map.of("yaml", webApi),
          "render_workload", Map.of("yaml", webApi),
          "workload_status", Map.of("name", "web-api", "environment", "staging"));
  // ping: the transport and the token review alone, no tool.
  timed("ping", calls, client::ping);
  for (String tool : List.of("validate_workload", "render_workload", "workload_status")) {
    timed(tool, calls, () -> call(client, tool, arguments.get(tool)));
  }
  client.closeGracefully();
  System.exit(0);
}

/** WARMUP calls, then `calls` timed ones, one after the other: p50, p99, max. */
static void timed(String name, int calls, Runnable call) {
  for (int i = 0; i < WARMUP; i++) {
    call.run();
  }
  List<Long> nanos = new ArrayList<>();
  for (int i = 0; i < calls; i++) {
    long start = System.nanoTime();
    call.run();
    nanos.add(System.nanoTime() - start);
  }
  List<Long> sorted = nanos.stream().sorted().toList();
  IO.println(
      "%s p50 %.2f ms   p99 %.2f ms   max %.2f ms   (%d calls)"
          .formatted(
              name,
              sorted.get(sorted.size() / 2) / 1e6,
              sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6,
              sorted.getLast() / 1e6,
              sorted.size()));
}

/** `bosun mcp` starts in the background: its port answers a few seconds later. */
static void awaitServer(McpSyncClient client) throws InterruptedException {
  for (int attempt = 0; ; attempt++) {
    try {
      client.initialize();
      return;
    } catch (RuntimeException e) {
      if (attempt == 60) {
        throw e;
      }
      Thread.sleep(500);
    }
  }
}

static McpSchema.CallToolResult call(
    McpSyncClient client, String tool, Map<String, Object> arguments) {
  var result =
      client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
  if (Boolean.TRUE.equals(result.isError())) {
    throw new IllegalStateException(tool + " failed: " + result.content());
  }
  return result;
}
