package dev.bosun.cli;

import static dev.bosun.cli.CliTest.bosun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.cli.CliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's hostile manifests through the commands: exit code 2 and a located message naming the
 * limit, never a stack trace; objects given twice in one call are refused.
 */
class HostileManifestsCliTest {
  private static final String CHAT =
      """
      apiVersion: bosun.dev/v1alpha1
      kind: Workload
      metadata: {name: chat}
      spec: {type: Batch, image: "registry.example.com/acme/batch:1", size: cpu-m}
      """;

  private static void refused(Run run, String message) {
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(message + "\n");
  }

  @Test
  void deepNestingIsRefusedInEveryInput(@TempDir Path temp) throws IOException {
    Path deep = Files.writeString(temp.resolve("deep.yaml"), "x: " + "[".repeat(1500) + "\n");
    String refusal =
        deep
            + ":1:67: document 1: nested deeper than 64 levels (aliases expanded), the limit,"
            + " which cannot be raised; Bosun objects are a few levels deep";
    Path chat = Files.writeString(temp.resolve("chat.yaml"), CHAT);
    refused(bosun("render", "-f", deep.toString()), refusal);
    refused(bosun("validate", "-f", deep.toString()), refusal);
    refused(bosun("render", "-f", chat.toString(), "--env", deep.toString()), refusal);
    // Without its tiers, the Workload's tier is missing too.
    Run withoutTiers = bosun("render", "-f", chat.toString(), "--tiers", deep.toString());
    assertThat(withoutTiers.exitCode()).isEqualTo(2);
    assertThat(withoutTiers.err().lines())
        .containsExactly(
            refusal, chat + ": Workload/chat: spec.size: tier \"cpu-m\" does not exist");
  }

  @Test
  void documentsAreCountedOverAllInputsOfACall(@TempDir Path temp) throws IOException {
    Path first = Files.writeString(temp.resolve("a.yaml"), "--- {}\n".repeat(3000));
    Path second = Files.writeString(temp.resolve("b.yaml"), "--- {}\n".repeat(3000));
    Run run = bosun("validate", "-f", first.toString(), "-f", second.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            second
                + ":2001:1: document 2001: more than 5,000 YAML documents in one call, the limit;"
                + " split the input over several calls");
  }

  @Test
  void anObjectGivenTwiceInOneCallIsRefusedNamingBothPlaces(@TempDir Path temp) throws IOException {
    Path one = Files.writeString(temp.resolve("one.yaml"), CHAT + "---\n" + CHAT);
    refused(
        bosun("validate", "-f", one.toString()),
        one
            + ": Workload/chat: is also given in document 1 of the same file; give each object"
            + " once per call");

    Path a = Files.writeString(temp.resolve("a.yaml"), CHAT);
    Path b = Files.writeString(temp.resolve("b.yaml"), CHAT);
    refused(
        bosun("render", "-f", a.toString(), "-f", b.toString()),
        b
            + ": Workload/chat: is also given in "
            + a
            + " document 1; give each object once per call");

    refused(
        bosun("render", "-f", a.toString(), "-f", a.toString()),
        a + ": Workload/chat: is given twice: " + a + " is named twice in this call");
  }

  @Test
  void renderStopsAtTheOutputLimit(@TempDir Path temp) throws IOException {
    // 300 aliases of a 250,000-character argument: 75 MB in the Deployment.
    Path big =
        Files.writeString(
            temp.resolve("big.yaml"),
            CHAT.replace(
                "size: cpu-m}",
                "size: cpu-m, args: [&arg " + "a".repeat(250_000) + ", *arg".repeat(299) + "]}"));
    for (String format : new String[] {"yaml", "json"}) {
      refused(
          bosun("render", "-f", big.toString(), "-o", format),
          "<stdout>: the rendered objects pass the output limit of 64 MiB, which cannot be"
              + " raised; render fewer Workloads per call");
    }
  }
}
