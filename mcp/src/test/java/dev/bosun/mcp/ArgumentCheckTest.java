package dev.bosun.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The server's own argument check says what the SDK's JSON Schema validator says of every tool's
 * input schema: it refuses exactly what the schema refuses, and names the field.
 */
class ArgumentCheckTest {
  private static final JsonSchemaValidator VALIDATOR = McpJsonDefaults.getSchemaValidator();
  private static final List<BosunTool> TOOLS =
      new BosunMcpServer(new BosunMcpServer.Settings(null, false, null, "test", null)).tools();

  @Property(tries = 2000)
  void agreesWithTheJsonSchemaValidator(
      @ForAll("tools") BosunTool tool, @ForAll("arguments") Map<String, Object> arguments) {
    List<String> problems = ArgumentCheck.problems(tool.inputSchema(), arguments);
    boolean valid = VALIDATOR.validate(tool.inputSchema(), arguments).valid();
    assertThat(problems.isEmpty())
        .as("%s %s: %s", tool.name(), arguments, problems)
        .isEqualTo(valid);
    for (String problem : problems) {
      assertThat(problem.substring(0, problem.indexOf(": ")))
          .isIn(concat(List.copyOf(arguments.keySet()), properties(tool)));
    }
  }

  @Test
  void namesTheFieldAndWhatIsWrong() {
    Map<String, Object> schema =
        TOOLS.stream()
            .filter(t -> t.name().equals("workload_events"))
            .findFirst()
            .orElseThrow()
            .inputSchema();
    assertThat(
            ArgumentCheck.problems(schema, Map.of("limit", 0, "name", "Chat", "logLines", "ten")))
        .containsExactly(
            "limit: must be at least 1",
            "logLines: must be an integer, not the string \"ten\"",
            "name: \"Chat\" is not a name (lower-case letters, digits and '-')");
    assertThat(ArgumentCheck.problems(schema, Map.of())).containsExactly("name: required");
  }

  @Provide
  Arbitrary<BosunTool> tools() {
    return Arbitraries.of(TOOLS);
  }

  @Provide
  Arbitrary<Map<String, Object>> arguments() {
    Arbitrary<String> keys =
        Arbitraries.of(
            "name",
            "environment",
            "namespace",
            "yaml",
            "wait",
            "timeoutSeconds",
            "limit",
            "logLines",
            "template",
            "pool",
            "node",
            "bogus");
    Arbitrary<Object> values =
        Arbitraries.oneOf(
            Arbitraries.of("staging", "production", "chat", "Chat", "", "-x", "a b", "gpu-m"),
            Arbitraries.strings().ascii().ofMaxLength(70),
            Arbitraries.integers().between(-5, 1000).map(i -> (Object) i),
            Arbitraries.of(true, false),
            Arbitraries.just(List.of("a")),
            Arbitraries.just(Map.of("a", 1)));
    return Arbitraries.maps(keys, values).ofMaxSize(5);
  }

  @SuppressWarnings("unchecked")
  private static List<String> properties(BosunTool tool) {
    return List.copyOf(((Map<String, Object>) tool.inputSchema().get("properties")).keySet());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }
}
