package dev.bosun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI as a user meets it: exit codes, and messages that name the file, the object and the
 * field.
 */
class CliTest {
  private static final Path EXAMPLES = Path.of("../examples");

  record Run(int exitCode, String out, String err) {}

  static Run bosun(String... args) {
    CommandLine cli = Bosun.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void rendersTheExamplesAsYaml() {
    Run run = bosun("render", "-f", EXAMPLES.toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .startsWith("---\n")
        .contains("kind: Deployment", "kind: Job", "kind: ResourceClaimTemplate");
  }

  @Test
  void rendersOneKubernetesListAsJson() throws IOException {
    Run run =
        bosun(
            "render",
            "-f",
            EXAMPLES.resolve("chat.yaml").toString(),
            "--env",
            EXAMPLES.resolve("environments/production.yaml").toString(),
            "-o",
            "json");
    assertThat(run.exitCode()).isZero();
    JsonNode list = new ObjectMapper().readTree(run.out());
    assertThat(list.get("apiVersion").asText()).isEqualTo("v1");
    assertThat(list.get("kind").asText()).isEqualTo("List");
    assertThat(list.get("items")).hasSize(7);
    list.get("items")
        .forEach(
            item -> assertThat(item.at("/metadata/namespace").asText()).isEqualTo("production"));
  }

  @Test
  void anEnvironmentPolicyFailureIsInvalidInput() {
    Run run =
        bosun(
            "render",
            "-f",
            EXAMPLES.resolve("web-api.yaml").toString(),
            "--env",
            EXAMPLES.resolve("environments/production.yaml").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains(
            "web-api.yaml: Workload/web-api: spec.image: Environment \"production\" requires images pinned by digest");
  }

  @Test
  void missingEmptyAndYamlLessInputsAreClearMessages(@TempDir Path temp) throws IOException {
    Run missing = bosun("render", "-f", temp.resolve("nope.yaml").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo(temp.resolve("nope.yaml") + ": no such file\n");

    Path empty = Files.writeString(temp.resolve("empty.yaml"), "");
    Run emptyRun = bosun("validate", "-f", empty.toString());
    assertThat(emptyRun.exitCode()).isEqualTo(2);
    assertThat(emptyRun.err()).isEqualTo(empty + ": has no YAML documents\n");

    Path directory = Files.createDirectory(temp.resolve("nothing-here"));
    Files.writeString(directory.resolve("notes.txt"), "hello");
    Run dir = bosun("render", "-f", directory.toString());
    assertThat(dir.exitCode()).isEqualTo(2);
    assertThat(dir.err()).isEqualTo(directory + ": is a directory with no .yaml or .yml files\n");

    Path binary =
        Files.write(temp.resolve("binary.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
    Run garbage = bosun("validate", "-f", binary.toString());
    assertThat(garbage.exitCode()).isEqualTo(2);
    assertThat(garbage.err()).isEqualTo(binary + ": is not UTF-8: byte 0xFF at line 1, column 1\n");
  }

  @Test
  void deployReadsItsFileLikeRenderBeforeItCallsTheCluster(@TempDir Path temp) throws IOException {
    // No cluster is reachable from here: each refusal comes from reading alone.
    Run missing = bosun("deploy", "-f", temp.resolve("nope.yaml").toString(), "--env", "staging");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo(temp.resolve("nope.yaml") + ": no such file\n");

    Run device = bosun("deploy", "-f", "/dev/zero", "--env", "staging");
    assertThat(device.exitCode()).isEqualTo(2);
    assertThat(device.err()).isEqualTo("/dev/zero: is a character device, not a file or a pipe\n");

    Path environment = EXAMPLES.resolve("environments/staging.yaml");
    Run notWorkloads = bosun("deploy", "-f", environment.toString(), "--env", "staging");
    assertThat(notWorkloads.exitCode()).isEqualTo(2);
    assertThat(notWorkloads.err()).isEqualTo(environment + ": bosun deploy takes Workloads only\n");

    Path chat = EXAMPLES.resolve("chat.yaml");
    Path twice =
        Files.writeString(
            temp.resolve("twice.yaml"),
            Files.readString(chat) + "\n---\n" + Files.readString(chat));
    Run duplicate = bosun("deploy", "-f", twice.toString(), "--env", "staging");
    assertThat(duplicate.exitCode()).isEqualTo(2);
    assertThat(duplicate.err()).contains("Workload/chat").doesNotContain("\tat ");
  }

  @Test
  void aByteThatIsNotUtf8IsFoundByLineAndCharacter(@TempDir Path temp) throws IOException {
    // "€" is three bytes and "😀" two Java chars, yet each is one column: the bad byte is the 6th.
    byte[] prefix = "kind: Workload\n# ok\n€ 😀 x".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = Arrays.copyOf(prefix, prefix.length + 2);
    bytes[prefix.length] = (byte) 0xc3; // a two-byte sequence cut short by the newline
    bytes[prefix.length + 1] = '\n';
    Path file = Files.write(temp.resolve("mixed.yaml"), bytes);
    Run run = bosun("validate", "-f", file.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo(file + ": is not UTF-8: byte 0xC3 at line 3, column 6\n");
  }

  @Test
  void validateRefusesAWorkloadAskingMoreThanItsTierAllows(@TempDir Path temp) throws IOException {
    String chat = Files.readString(EXAMPLES.resolve("chat.yaml"));
    Path greedy =
        Files.writeString(
            temp.resolve("chat.yaml"),
            chat.replace("replicas: {min: 2, max: 6}", "replicas: {min: 0, max: 12}")
                .replace("scaleOn: {metric: requestsWaiting}", "scaleOn: {metric: memory}"));
    Run run = bosun("validate", "-f", greedy.toString());
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err())
        .contains(
            "spec.replicas.max: 12 is more than tier \"gpu-m\" allows: at most 8"
                + " (spec.scaling[Inference].maxReplicas)")
        .contains(
            "spec.replicas.min: 0 (scale to zero) is not allowed by tier \"gpu-m\": it sets no"
                + " spec.scaling[Inference].idleToZeroAfter")
        .contains("spec.scaleOn.metric: memory is not a signal of tier \"gpu-m\"");
  }

  @Test
  void theInputLimitCountsEveryFileOfACall(@TempDir Path temp) throws IOException {
    // A Workload with 9 MiB of comments: one is within the limit, two together are not.
    String comment = "#" + "x".repeat(1023) + "\n";
    Path workload = Files.copy(EXAMPLES.resolve("chat.yaml"), temp.resolve("chat.yaml"));
    Files.writeString(workload, comment.repeat(9 * 1024), StandardOpenOption.APPEND);
    Path second = Files.copy(workload, temp.resolve("second.yaml"));

    assertThat(bosun("validate", "-f", workload.toString()).exitCode()).isZero();
    Run both = bosun("validate", "-f", workload.toString(), "-f", second.toString());
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err())
        .isEqualTo(
            second
                + ": takes the input past 16 MiB, the most one call reads (all files together);"
                + " split it across calls\n");
  }

  @Test
  void explainSaysWhyAFileCannotBeRead(@TempDir Path temp) {
    Run missing = bosun("gpu", "explain", temp.resolve("kern.log").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err())
        .isEqualTo("bosun gpu explain: " + temp.resolve("kern.log") + ": no such file\n");
  }

  @Test
  void breakerResetSaysWhyItCannotReachTheCluster(@TempDir Path temp) {
    Run reset = bosun("gpu", "breaker", "reset", "--kubeconfig", temp.resolve("config").toString());
    assertThat(reset.exitCode()).isEqualTo(2);
    assertThat(reset.err())
        .isEqualTo("bosun: --kubeconfig: cannot read " + temp.resolve("config") + "\n");
  }

  @Test
  void validateReportsEveryProblemOfEveryFileAtOnce(@TempDir Path temp) throws IOException {
    Path bad =
        Files.writeString(
            temp.resolve("bad.yaml"),
            """
        apiVersion: bosun.dev/v1alpha1
        kind: Workload
        metadata: {name: chat}
        spec: {type: Inference, image: "registry.example.com/chat:1", size: gpu-mm, port: 8000}
        ---
        apiVersion: bosun.dev/v1alpha1
        kind: Workload
        metadata: {name: train}
        spec: {type: Training, image: "registry.example.com/train:1", size: gpu-xl, port: 8000}
        """);
    Run run = bosun("validate", "-f", bad.toString(), "-f", EXAMPLES.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines())
        .containsExactly(
            bad
                + ": Workload/chat: spec.size: tier \"gpu-mm\" does not exist (did you mean gpu-m?)",
            bad
                + ": Workload/train: spec.port: port applies to Service and Inference only (this Workload is of type Training)",
            EXAMPLES.resolve("chat.yaml")
                + ": Workload/chat: is also given in "
                + bad
                + " document 1; give each object once per call");
  }

  @Test
  void validateAcceptsTheExamplesAndEnvironments() {
    Run run =
        bosun(
            "validate",
            "-f",
            EXAMPLES.toString(),
            "-f",
            EXAMPLES.resolve("environments").toString());
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("6 objects valid\n");
  }

  @Test
  void tiersListsTheCatalog() {
    Run run = bosun("tiers");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines().findFirst().orElseThrow())
        .startsWith("NAME")
        .contains("CPU", "MEMORY", "GPUS", "GPU", "COST/HOUR");
    assertThat(run.out()).contains("gpu-xl", "MIG 1g.10gb", "$36.00");
    assertThat(run.out().lines()).hasSize(8);
  }

  @Test
  void unknownOptionsAreInvalidInput() {
    Run run = bosun("render", "-f", "x.yaml", "--frobnicate");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--frobnicate'");
  }
}
