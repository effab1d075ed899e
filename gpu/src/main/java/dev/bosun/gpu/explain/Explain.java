package dev.bosun.gpu.explain;

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
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code bosun gpu explain}: kernel log text in (kmsg, dmesg or syslog prefixes, mixed), one JSON
 * object per fault out, in input order:
 *
 * <pre>
 * {"pci": "0000:07:00.0", "uuid": null, "xid": 48, "class": "gpu", "action": "...", "text": "..."}
 * </pre>
 *
 * {@code xid} is {@code null} for a GPU that fell off the bus without one. Context rules (48 with
 * 63/64, repeats of 13/31) see the faults before them in the same input; their clock is the kernel
 * timestamp on the line ({@code base} + uptime), or the last one seen for lines without.
 */
public final class Explain {

  /** Lines read, faults written, lines that could not be read as kernel log lines. */
  public record Summary(long lines, long faults, long unparsed) {}

  private Explain() {}

  public static Summary run(Reader in, Writer out, XidClassifier classifier, Instant base)
      throws IOException {
    KernelLogParser parser = new KernelLogParser();
    BoundedLineReader lines = new BoundedLineReader(in, KernelLogParser.MAX_LINE_CHARS);
    XidHistory history = XidHistory.EMPTY;
    Instant clock = base;
    String line;
    while ((line = lines.readLine()) != null) {
      List<DriverFault> faults = parser.acceptLine(line);
      for (DriverFault fault : faults) {
        if (fault.uptimeMicros() != null) {
          Instant at = base.plusNanos(fault.uptimeMicros() * 1000);
          if (at.isAfter(clock)) clock = at; // a mixed file may go back in time; the clock does not
        }
        XidClassifier.Result r = classifier.classify(fault, history, clock);
        history = r.history();
        out.write(json(fault, r.verdict()));
        out.write('\n');
      }
    }
    out.flush();
    KernelLogParser.Counters c = parser.counters();
    return new Summary(c.lines(), c.faults(), c.unparsed());
  }

  /**
   * {@code java -cp bosun-gpu.jar dev.bosun.gpu.explain.Explain [FILE|-]}: the same as {@code bosun
   * gpu explain}, for machines without the CLI (GPU validation).
   */
  public static void main(String[] args) throws IOException {
    InputStream in =
        args.length == 0 || args[0].equals("-")
            ? System.in
            : Files.newInputStream(Path.of(args[0]));
    // Bytes that are not UTF-8 become U+FFFD: the line is counted as unparsed, not fatal.
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
    Summary s =
        run(new InputStreamReader(in, utf8), out, XidClassifier.withDefaults(), Instant.EPOCH);
    System.err.printf(
        "explain: %d lines, %d faults, %d unparsed%n", s.lines(), s.faults(), s.unparsed());
  }

  public static String json(DriverFault fault, XidClassifier.Verdict verdict) {
    return "{\"pci\": "
        + Json.string(fault.pci() == null ? null : fault.pci().toString())
        + ", \"uuid\": "
        + Json.string(fault.uuid())
        + ", \"xid\": "
        + Json.number(fault.xid())
        + ", \"class\": "
        + Json.string(verdict.faultClass().wireName())
        + ", \"action\": "
        + Json.string(verdict.action())
        + ", \"text\": "
        + Json.string(fault.text())
        + "}";
  }
}
