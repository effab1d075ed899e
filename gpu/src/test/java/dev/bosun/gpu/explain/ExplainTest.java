package dev.bosun.gpu.explain;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.gpu.Fixtures;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.text.Json;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainTest {

  static String explain(String input) throws IOException {
    StringWriter out = new StringWriter();
    Explain.run(new StringReader(input), out, XidClassifier.withDefaults(), Instant.EPOCH);
    return out.toString();
  }

  @Test
  void theRealXidsOfAnH100() throws IOException {
    assertThat(explain(Fixtures.h100("xid-kmsg-records.txt")))
        .isEqualTo(
            """
        {"device": "gpu", "pci": "0000:00:06.0", "uuid": "GPU-b14f29ef-62d4-ce9f-f7aa-d0ae390886a6", "xid": 31, "sxid": null, "class": "application", "action": "restart the application", "text": "NVRM: Xid (PCI:0000:00:06): 31, pid=444, name=python3, channel 0x0000000a, intr 00000000. MMU Fault: ENGINE GRAPHICS GPC0 GPCCLIENT_T1_6 faulted @ 0x0_00000000. Fault is of type FAULT_PDE ACCESS_TYPE_VIRT_WRITE"}
        {"device": "gpu", "pci": "0000:00:06.0", "uuid": "GPU-b14f29ef-62d4-ce9f-f7aa-d0ae390886a6", "xid": 43, "sxid": null, "class": "ignore", "action": "none", "text": "NVRM: Xid (PCI:0000:00:06): 43, pid=469, name=python3, channel 0x0000000a"}
        """);
    assertThat(explain(Fixtures.h100("xid-dmesg.txt")))
        .isEqualTo(explain(Fixtures.h100("xid-kmsg-records.txt")));
  }

  /** An HGX node's NVSwitch (nvidia/nvtrust#124, gpud's tests): a kind of its own, not a Xid. */
  @Test
  void nvswitchSxidsAreFaultsOfTheSwitch() throws IOException {
    assertThat(
            explain(
                """
        [   38.178720] nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Non-fatal, Link 44 Minion Link DLREQ interrupt
        [   38.180708] nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Severity 0 Engine instance 44 Sub-engine instance 00
        [   38.183583] nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Data {0x0000002c, 0x0000002c, 0x00000000, 0x0000002c, 0x80005302, 0x00000000, 0x00000000, 0x00000000, 0x00000000}
        [ 1108.858286] nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 24007, Fatal, Link 28 sourcetrack timeout error (First)
        """))
        .isEqualTo(
            """
        {"device": "nvswitch", "pci": "0000:04:00.0", "uuid": null, "xid": null, "sxid": 22013, "class": "ignore", "action": "none (report; the switch recovered)", "text": "nvidia-nvswitch3: SXid (PCI:0000:04:00.0): 22013, Non-fatal, Link 44 Minion Link DLREQ interrupt"}
        {"device": "nvswitch", "pci": "0000:c3:00.0", "uuid": null, "xid": null, "sxid": 24007, "class": "node", "action": "reset the node's GPUs and NVSwitches (reboot the node), then check the fabric manager", "text": "nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 24007, Fatal, Link 28 sourcetrack timeout error (First)"}
        """);
  }

  @Test
  void fallingOffTheBusWithoutACode() throws IOException {
    assertThat(
            explain(
                """
        [ 7001.1] NVRM: The NVIDIA GPU 0000:07:00.0 (PCI ID: 10de:2330) installed in this system has
        [ 7001.1] NVRM: fallen off the bus and is not responding to commands.
        """))
        .isEqualTo(
            """
        {"device": "gpu", "pci": "0000:07:00.0", "uuid": null, "xid": null, "sxid": null, "class": "node", "action": "reboot the node (the GPU fell off the bus)", "text": "NVRM: fallen off the bus and is not responding to commands."}
        """);
  }

  @Test
  void theExampleOfTheIssue() throws IOException {
    assertThat(
            explain(
                "6,20931,88412233412,-;NVRM: Xid (PCI:0000:07:00): 48, pid=1201, name=torchrun, DBE"))
        .startsWith(
            "{\"device\": \"gpu\", \"pci\": \"0000:07:00.0\", \"uuid\": null, \"xid\": 48, \"sxid\": null, \"class\": \"gpu\", \"action\": ");
  }

  @Test
  void contextRulesUseTheKernelClock() throws IOException {
    String out =
        explain(
            """
        [  100.000000] NVRM: Xid (PCI:0000:07:00): 48, pid=1, name=a, DBE
        [  101.000000] NVRM: Xid (PCI:0000:07:00): 63, pid=1, name=a, row remap
        [ 9000.000000] NVRM: Xid (PCI:0000:07:00): 63, pid=1, name=a, row remap much later
        """);
    assertThat(out.lines().toList()).hasSize(3);
    assertThat(out.lines().toList().get(1)).contains("\"class\": \"gpu\"", "drain");
    assertThat(out.lines().toList().get(2)).contains("\"class\": \"ignore\"");
  }

  @Test
  void aBadLineEndsNothing() throws IOException {
    StringWriter out = new StringWriter();
    Explain.Summary s =
        Explain.run(
            new StringReader(
                """
                [ 1.0] NVRM: Xid (PCI:0000:00:06): 79, ok
                [ 2.0] NVRM: Xid (PCI:0000:00:06): 31, pid=4294967296
                [ 3.0] NVRM: Xid (PCI:0000:00:06): 0, pid=1
                [ 4.0] NVRM: Xid (PCI:0000:00:06): 13, pid=2, name=after
                """),
            out,
            XidClassifier.withDefaults(),
            Instant.EPOCH);
    assertThat(out.toString().lines())
        .extracting(l -> l.substring(0, l.indexOf(", \"class\"")))
        .containsExactly(
            "{\"device\": \"gpu\", \"pci\": \"0000:00:06.0\", \"uuid\": null, \"xid\": 79, \"sxid\": null",
            "{\"device\": \"gpu\", \"pci\": \"0000:00:06.0\", \"uuid\": null, \"xid\": 31, \"sxid\": null",
            "{\"device\": \"gpu\", \"pci\": \"0000:00:06.0\", \"uuid\": null, \"xid\": 13, \"sxid\": null");
    assertThat(s).isEqualTo(new Explain.Summary(4, 3, 1));
  }

  @Test
  void faultsFoundBeforeAReadFailureAreWritten() {
    Reader failing =
        new Reader() {
          private final Reader lines =
              new StringReader("[ 1.0] NVRM: Xid (PCI:0000:00:06): 79, x\n");

          @Override
          public int read(char[] buf, int off, int len) throws IOException {
            int n = lines.read(buf, off, len);
            if (n < 0) throw new IOException("Input/output error");
            return n;
          }

          @Override
          public void close() {}
        };
    StringWriter sink = new StringWriter();
    Writer out = new BufferedWriter(sink);
    assertThatThrownBy(() -> Explain.run(failing, out, XidClassifier.withDefaults(), Instant.EPOCH))
        .hasMessage("Input/output error");
    assertThat(sink.toString()).contains("\"xid\": 79");
  }

  @Test
  void theCommandLeavesStandardInputOpenAndReportsWhatItSkipped() {
    AtomicBoolean stdinClosed = new AtomicBoolean();
    InputStream stdin =
        new ByteArrayInputStream(
            "garbage\n[ 1.0] NVRM: Xid (PCI:0000:00:06): 79, x\n".getBytes(UTF_8)) {
          @Override
          public void close() {
            stdinClosed.set(true);
          }
        };
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    int exit = Explain.command(List.of(), stdin, new PrintStream(stdout), new PrintStream(stderr));

    assertThat(exit).isEqualTo(ExitCodes.OK);
    assertThat(stdinClosed).isFalse();
    assertThat(stdout.toString(UTF_8)).contains("\"xid\": 79");
    assertThat(stderr.toString(UTF_8)).startsWith("explain: 2 lines, 1 faults, 1 lines skipped");
  }

  @Test
  void theCommandRefusesWhatIsNotAReadableFile(@TempDir Path dir) {
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(stderr);
    InputStream noInput = InputStream.nullInputStream();
    PrintStream noOutput = new PrintStream(OutputStream.nullOutputStream());

    assertThat(Explain.command(List.of(dir.toString()), noInput, noOutput, err))
        .isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(Explain.command(List.of(dir.resolve("absent").toString()), noInput, noOutput, err))
        .isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(stderr.toString(UTF_8)).contains("is a directory", "cannot read");
  }

  @Test
  void theCommandFailsWhenItsOutputCannotBeWritten() {
    OutputStream full =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("No space left on device");
          }
        };
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    InputStream stdin =
        new ByteArrayInputStream("[ 1.0] NVRM: Xid (PCI:0000:00:06): 79, x\n".getBytes(UTF_8));

    int exit = Explain.command(List.of("-"), stdin, new PrintStream(full), new PrintStream(stderr));

    assertThat(exit).isEqualTo(ExitCodes.FAILED);
    assertThat(stderr.toString(UTF_8)).contains("could not be written");
  }

  @Test
  void textIsEscaped() {
    assertThat(Json.string("a\"b\\c\n\u0001\ud800x\ud83d\ude00"))
        .isEqualTo("\"a\\\"b\\\\c\\n\\u0001\\ud800x\ud83d\ude00\"");
    assertThat(Json.string(null)).isEqualTo("null");
  }

  @Test
  void summaryCountsLinesFaultsAndGarbage() throws IOException {
    Explain.Summary s =
        Explain.run(
            new StringReader(
                "garbage\n[ 1.0] NVRM: Xid (PCI:0000:07:00): 13, pid=1, name=a, x\n\n"),
            new StringWriter(),
            XidClassifier.withDefaults(),
            Instant.EPOCH);
    assertThat(s).isEqualTo(new Explain.Summary(3, 1, 1));
  }
}
