package dev.bosun.gpu.explain;

import dev.bosun.gpu.ExitCodes;
import dev.bosun.gpu.classify.XidClassifier;
import dev.bosun.gpu.classify.XidHistory;
import dev.bosun.gpu.kernel.BoundedLineReader;
import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.KernelLogParser;
import dev.bosun.gpu.text.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code bosun gpu explain}: kernel log text in (kmsg, dmesg or syslog prefixes, mixed), one JSON
 * object per fault out, in input order:
 *
 * <pre>
 * {"device": "gpu", "pci": "0000:07:00.0", "uuid": null, "xid": 48, "sxid": null, "class": "gpu",
 *  "action": "...", "text": "..."}
 * </pre>
 *
 * {@code device} is {@code gpu} or {@code nvswitch}: an NVSwitch's SXid has the switch's {@code
 * pci}, its code in {@code sxid} and {@code xid} {@code null}. {@code xid} is also {@code null} for
 * a GPU that fell off the bus without one. Context rules (48 with 63/64, repeats of 13/31) see the
 * faults before them in the same input; their clock is the kernel timestamp on the line ({@code
 * base} + uptime), or the last one seen for lines without.
 */
public final class Explain {

  /** Lines read, faults written, lines that could not be read as kernel log lines. */
  public record Summary(long lines, long faults, long unparsed) {}

  private Explain() {}

  /**
   * {@link #run(Reader, Writer, XidClassifier, Instant)} over bytes: bytes that are not UTF-8
   * (binary junk in a log) become U+FFFD, and their line is counted as unparsed, not fatal. {@code
   * in} is not closed.
   */
  public static Summary run(InputStream in, Writer out, XidClassifier classifier, Instant base)
      throws IOException {
    CharsetDecoder lenientUtf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    return run(new InputStreamReader(in, lenientUtf8), out, classifier, base);
  }

  /**
   * Reads {@code in} to its end, a line at a time (at most {@link KernelLogParser#MAX_LINE_CHARS}
   * held), and writes each fault as it is found. No line ends the run: what the parser cannot read
   * is counted in the summary. Neither stream is closed; {@code out} is flushed, also when reading
   * fails, so every fault found before the failure is written.
   */
  public static Summary run(Reader in, Writer out, XidClassifier classifier, Instant base)
      throws IOException {
    KernelLogParser parser = new KernelLogParser();
    BoundedLineReader lines = new BoundedLineReader(in, KernelLogParser.MAX_LINE_CHARS);
    XidHistory history = XidHistory.EMPTY;
    Instant clock = base;
    try {
      String line;
      while ((line = lines.readLine()) != null) {
        for (DriverFault fault : parser.acceptLine(line)) {
          if (fault.uptimeMicros() != null) {
            Instant at = base.plus(fault.uptimeMicros(), ChronoUnit.MICROS);
            if (at.isAfter(clock))
              clock = at; // a mixed file may go back in time; the clock does not
          }
          XidClassifier.Result r = classifier.classify(fault, history, clock);
          history = r.history();
          out.write(json(fault, r.verdict()));
          out.write('\n');
        }
      }
    } finally {
      out.flush();
    }
    KernelLogParser.Counters c = parser.counters();
    return new Summary(c.lines(), c.faults(), c.unparsed());
  }

  /**
   * {@code java -cp bosun-gpu.jar dev.bosun.gpu.explain.Explain [FILE|-]}: the same as {@code bosun
   * gpu explain}, for machines without the CLI (GPU validation).
   */
  public static void main(String[] args) {
    System.exit(command(List.of(args), System.in, System.out, System.err));
  }

  /**
   * {@link #main(String[])} with its streams passed in; returns the exit code. It closes the file
   * it opens and nothing else: standard input and output belong to the process.
   */
  static int command(List<String> args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    String name = args.isEmpty() ? "-" : args.getFirst();
    InputStream opened = null;
    if (!name.equals("-")) {
      try {
        Path file = Path.of(name);
        if (Files.isDirectory(file)) {
          stderr.println("explain: " + name + " is a directory, not a kernel log");
          return ExitCodes.INVALID_INPUT;
        }
        opened = Files.newInputStream(file);
      } catch (IOException | InvalidPathException e) {
        stderr.println("explain: cannot read " + name + ": " + e.getMessage());
        return ExitCodes.INVALID_INPUT;
      }
    }
    Writer out = new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8));
    Summary s;
    try (InputStream file = opened) {
      InputStream in = file != null ? file : stdin;
      s = run(in, out, XidClassifier.withDefaults(), Instant.EPOCH);
    } catch (IOException e) {
      stderr.println("explain: reading " + name + " failed: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    if (stdout.checkError()) {
      stderr.println("explain: the output could not be written");
      return ExitCodes.FAILED;
    }
    stderr.printf(
        "explain: %d lines, %d faults, %d lines skipped (not kernel log lines, or driver lines"
            + " without what identifies a fault)%n",
        s.lines(), s.faults(), s.unparsed());
    return ExitCodes.OK;
  }

  public static String json(DriverFault fault, XidClassifier.Verdict verdict) {
    return "{\"device\": "
        + Json.string(fault.fromSwitch() ? "nvswitch" : "gpu")
        + ", \"pci\": "
        + Json.string(fault.pci() == null ? null : fault.pci().toString())
        + ", \"uuid\": "
        + Json.string(fault.uuid())
        + ", \"xid\": "
        + Json.number(fault.xid())
        + ", \"sxid\": "
        + Json.number(fault.fromSwitch() ? fault.sxid().sxid() : null)
        + ", \"class\": "
        + Json.string(verdict.faultClass().wireName())
        + ", \"action\": "
        + Json.string(verdict.action())
        + ", \"text\": "
        + Json.string(fault.text())
        + "}";
  }
}
