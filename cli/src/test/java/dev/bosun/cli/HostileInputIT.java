package dev.bosun.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input where the CLI process meets its surroundings: closed descriptors, a locale that
 * cannot spell a file name, a full disk, devices, odd files and bytes that are not UTF-8. Each is
 * run as a process, where these show, and ends with exit 2 (bad input) or 1 (a failed write) and a
 * message that names the input and the reason: never a stack trace or a JVM crash.
 */
class HostileInputIT {
  private static final String XID_79 = "[ 1.0] NVRM: Xid (PCI:0000:00:06): 79, pid=1, name=x\n";

  private static void assertEnds(BosunProcess.Result run, int exitCode, String message) {
    assertThat(run.err()).doesNotContain("\tat ", "Exception in thread", "fatal error");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(exitCode);
    assertThat(run.err()).contains(message);
  }

  @Test
  void aClosedStandardInputIsRefusedNotReadAsTheJvmsOwnFile() throws Exception {
    String closed = "<stdin>: standard input is closed";
    assertEnds(BosunProcess.launcher("render", "-f", "-").stdinClosed().run(), 2, closed);
    assertEnds(BosunProcess.launcher("gpu", "explain").stdinClosed().run(), 2, closed);
    // Without the launcher, the CLI finds the JDK's lib/modules on descriptor 0 by itself.
    assertEnds(BosunProcess.jar("gpu", "explain").stdinClosed().run(), 2, closed);
    assertEnds(BosunProcess.jar("validate", "-f", "-").stdinClosed().run(), 2, closed);
  }

  @Test
  void fileNamesOutsideTheLocalesCodesetWorkUnderLcAllC(@TempDir Path temp) throws Exception {
    Path directory = Files.createDirectory(temp.resolve("modèles"));
    Path workload =
        Files.copy(BosunProcess.ROOT.resolve("examples/chat.yaml"), directory.resolve("café.yaml"));
    Path log = Files.writeString(temp.resolve("journal-été.log"), XID_79);

    BosunProcess.Result file = inCLocale("validate", "-f", workload.toString());
    assertEnds(file, 0, "");
    assertThat(file.out()).isEqualTo("1 objects valid\n");
    assertThat(inCLocale("render", "-f", directory.toString()).out()).contains("kind: Deployment");
    assertThat(inCLocale("gpu", "explain", log.toString()).out()).contains("\"xid\": 79");
    // The name comes back as it was typed.
    assertEnds(
        inCLocale("validate", "-f", temp.resolve("où.yaml").toString()),
        2,
        temp.resolve("où.yaml") + ": no such file");
  }

  private static BosunProcess.Result inCLocale(String... args) throws Exception {
    return BosunProcess.launcher(args).env("LC_ALL", "C").run();
  }

  @Test
  void aFullDiskIsAFailedWriteNotSuccess() throws Exception {
    BosunProcess.Result run =
        BosunProcess.launcher("render", "-f", "examples").stdoutTo(Path.of("/dev/full")).run();
    assertEnds(run, 1, "");
    assertThat(run.err())
        .isEqualTo("bosun: cannot write standard output: No space left on device\n");
  }

  @Test
  void devicesAreRefusedAndEndlessStreamsStopAtTheLimit() throws Exception {
    String device = "/dev/zero: is a character device, not a file or a pipe";
    assertEnds(BosunProcess.launcher("validate", "-f", "/dev/zero").run(), 2, device);
    assertEnds(BosunProcess.launcher("gpu", "explain", "/dev/zero").run(), 2, device);
    assertEnds(
        BosunProcess.launcher("render", "-f", "-").stdinFrom(Path.of("/dev/zero")).run(),
        2,
        "<stdin>: takes the input past 16 MiB, the most one call reads");
  }

  @Test
  void directoriesAndEmptyNamesAreNotKernelLogs() throws Exception {
    assertEnds(
        BosunProcess.launcher("gpu", "explain", "cli").run(),
        2,
        "bosun gpu explain: cli: is a directory, not a file");
    assertEnds(
        BosunProcess.launcher("gpu", "explain", "").run(),
        2,
        "bosun gpu explain: \"\": is an empty file name");
    assertEnds(BosunProcess.launcher("validate", "-f", "").run(), 2, "\"\": is an empty file name");
  }

  @Test
  void anUnreadableFileIsPermissionDenied(@TempDir Path temp) throws Exception {
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path secret = Files.writeString(temp.resolve("secret.yaml"), "kind: Workload\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
    // Root reads a file of mode 000 all the same; nobody does not.
    boolean permissionsBind = !Files.isReadable(secret);
    BosunProcess validate = BosunProcess.launcher("validate", "-f", secret.toString());
    BosunProcess explain = BosunProcess.launcher("gpu", "explain", secret.toString());
    if (!permissionsBind) {
      validate.asNobody();
      explain.asNobody();
    }
    assertEnds(validate.run(), 2, secret + ": permission denied");
    assertEnds(explain.run(), 2, secret + ": permission denied");
  }

  @Test
  void symbolicLinksThatLeadNowhereSaySo(@TempDir Path temp) throws Exception {
    Path loop = temp.resolve("loop.yaml");
    Files.createSymbolicLink(loop, temp.resolve("back.yaml"));
    Files.createSymbolicLink(temp.resolve("back.yaml"), loop);
    Path dangling = Files.createSymbolicLink(temp.resolve("gone.yaml"), temp.resolve("moved.yaml"));

    assertEnds(
        BosunProcess.launcher("validate", "-f", loop.toString()).run(),
        2,
        loop + ": is a loop of symbolic links");
    assertEnds(
        BosunProcess.launcher("gpu", "explain", loop.toString()).run(),
        2,
        loop + ": is a loop of symbolic links");
    assertEnds(
        BosunProcess.launcher("validate", "-f", dangling.toString()).run(),
        2,
        dangling
            + ": is a symbolic link to "
            + temp.resolve("moved.yaml")
            + ", which does not exist");
  }

  @Test
  void bytesThatAreNotUtf8AreLocatedInManifestsAndSkippedInLogs() throws Exception {
    byte[] latin1 = "kind: Workload\nmetadata: {name: café}\n".getBytes(ISO_8859_1);
    assertEnds(
        BosunProcess.launcher("validate", "-f", "-").stdin(latin1).run(),
        2,
        "<stdin>: is not UTF-8: byte 0xE9 at line 2, column 21");

    byte[] log = (XID_79 + "\u00ff junk\n").getBytes(ISO_8859_1);
    BosunProcess.Result explain = BosunProcess.launcher("gpu", "explain").stdin(log).run();
    assertEnds(explain, 0, "1 of 2 lines were not kernel log lines");
    assertThat(explain.out()).contains("\"xid\": 79");
  }

  @Test
  void anErrorThatStillEscapesIsOneLine(@TempDir Path temp) throws Exception {
    Path deep = Files.writeString(temp.resolve("deep.yaml"), "[".repeat(5_000) + "]".repeat(5_000));
    BosunProcess.Result run = BosunProcess.launcher("validate", "-f", deep.toString()).run();
    assertThat(run.err()).doesNotContain("\tat ", "Exception in thread");
    assertThat(run.exitCode()).isIn(1, 2);
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void usageErrorsAreStillExitTwo() throws Exception {
    assertEnds(
        BosunProcess.launcher("render", "-f", "examples", "--bogus").run(),
        2,
        "Unknown option: '--bogus'");
  }
}
