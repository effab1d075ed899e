package dev.bosun.gpu.kernel;

import static dev.bosun.gpu.kernel.KernelLogProperties.FAULT_LINES;
import static dev.bosun.gpu.kernel.KernelLogProperties.faultsOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.HangGuard;
import dev.bosun.gpu.model.PciAddress;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Issue 10's kernel-log properties: huge numbers in every numeric field, control and escape
 * characters, ANSI colour, kmsg escapes, invalid UTF-8 and long adversarial lines. Each never
 * throws, keeps the contract (a bad field is dropped, a bad line counted, a good one kept) and
 * finishes within {@link HangGuard#LIMIT}.
 */
class KernelLogHostileProperties {

  private static final String ESC = "\u001b";
  private static final String XID_HEAD = "NVRM: Xid (PCI:0000:3b:00): ";
  private static final PciAddress GPU = PciAddress.of("0000:3b:00.0");

  @Provide
  Arbitrary<String> numbers() {
    return Arbitraries.oneOf(
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30),
        Arbitraries.of(
            "0",
            "1",
            "998",
            "999",
            "4194303",
            "4194304",
            "2147483647",
            "2147483648",
            "4294967296",
            "999999999999999999",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551616",
            "0000000000000000000001"));
  }

  /** The number the parser may read from {@code digits}, or null when they are too many. */
  private static Long value(String digits, int maxDigits) {
    return digits.length() <= maxDigits ? Long.valueOf(digits) : null;
  }

  private static Integer inRange(String digits, int maxDigits, long min, long max) {
    Long v = value(digits, maxDigits);
    return v != null && v >= min && v <= max ? v.intValue() : null;
  }

  @Property(tries = 3000)
  void everyNumericFieldIsDroppedOrTheLineCountedNeverAnException(
      @ForAll @IntRange(min = 0, max = 2) int shape,
      @ForAll("numbers") String a,
      @ForAll("numbers") String b,
      @ForAll("numbers") String c,
      @ForAll("numbers") String code,
      @ForAll("numbers") String pid,
      @ForAll("numbers") String cause,
      @ForAll("numbers") String x,
      @ForAll("numbers") String y,
      @ForAll("numbers") String z,
      @ForAll boolean nvlink) {
    String prefix;
    boolean prefixReadable;
    Long uptime = null;
    switch (shape) {
      case 0 -> {
        prefix = a + "," + b + "," + c + ",-;";
        Long priority = value(a, 4);
        prefixReadable =
            priority != null
                && priority >> 3 == KernelLine.KERNEL_FACILITY
                && value(b, 18) != null
                && value(c, 18) != null;
        if (prefixReadable) uptime = value(c, 18);
      }
      case 1 -> {
        prefix = "[" + a + "." + b + "] ";
        prefixReadable = value(a, 12) != null && b.length() <= 9;
        if (prefixReadable)
          uptime = value(a, 12) * 1_000_000 + Long.parseLong((b + "00000").substring(0, 6));
      }
      default -> {
        prefix = "Nov 02 11:20:31 gpu-node-7 kernel: ";
        prefixReadable = true;
      }
    }
    String xidCode = nvlink ? "145" : code;
    String line =
        prefix
            + XID_HEAD
            + xidCode
            + (nvlink
                ? ", RLW_REMAP Fatal XC" + x + " i" + y + " Link " + z + " (0x00450000 0x0)"
                : ", pid="
                    + pid
                    + ", name=python3, Graphics SM Warp Exception on (GPC "
                    + x
                    + ", TPC "
                    + y
                    + ", SM "
                    + z
                    + "): Out Of Range Address, caused by previous Xid "
                    + cause);

    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = HangGuard.finishes(() -> parser.acceptLine(line));

    Integer expectedXid = inRange(xidCode, 4, DriverFault.MIN_XID, DriverFault.MAX_XID);
    if (!prefixReadable || expectedXid == null) {
      assertThat(faults).isEmpty();
      assertThat(parser.counters().unparsed()).isEqualTo(1);
      return;
    }
    assertThat(parser.counters().unparsed()).isZero();
    DriverFault f = faults.getFirst();
    assertThat(faults).hasSize(1);
    assertThat(f.xid()).isEqualTo(expectedXid);
    assertThat(f.pci()).isEqualTo(GPU);
    assertThat(f.uptimeMicros()).isEqualTo(uptime);
    if (nvlink) {
      boolean readable = x.length() <= 4 && y.length() <= 4 && z.length() <= 4;
      assertThat(f.detail().nvlink())
          .isEqualTo(
              readable
                  ? new NvLinkDetail(
                      "RLW_REMAP",
                      true,
                      Integer.parseInt(x),
                      Integer.parseInt(y),
                      Integer.parseInt(z),
                      List.of("0x00450000", "0x0"))
                  : null);
    } else {
      assertThat(f.detail().pid()).isEqualTo(inRange(pid, 10, 0, KernelLogParser.PID_LIMIT - 1));
      assertThat(f.detail().causedByXid())
          .isEqualTo(inRange(cause, 4, DriverFault.MIN_XID, DriverFault.MAX_XID));
      assertThat(f.detail().location())
          .isEqualTo(
              x.length() <= 3 && y.length() <= 3 && z.length() <= 3
                  ? "GPC " + x + ", TPC " + y + ", SM " + z
                  : null);
      assertThat(f.detail().process()).isEqualTo("python3");
    }
  }

  @Provide
  Arbitrary<String> faultLines() {
    return Arbitraries.of(FAULT_LINES);
  }

  @Provide
  Arbitrary<String> controlAndEscapes() {
    return Arbitraries.of(
            "\u0000",
            "\u0007",
            ESC,
            ESC + "[",
            ESC + "[0m",
            ESC + "[1;31m",
            ESC + "]0;title\u0007",
            "\\x0a",
            "\\x1b",
            "\\x",
            "\\",
            "\t",
            "\r",
            "\n",
            "\u007f",
            "\ufffd",
            "\u2028",
            "\u00a0",
            "\ud800")
        .list()
        .ofMinSize(1)
        .ofMaxSize(5)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 2000)
  void controlAndEscapeCharactersAnywhereNeverMakeAnotherFault(
      @ForAll("faultLines") String line,
      @ForAll("controlAndEscapes") String noise,
      @ForAll @IntRange(min = 0, max = 400) int at) {
    int cut = Math.min(at, line.length());
    String hostile = line.substring(0, cut) + noise + line.substring(cut);
    DriverFault original = faultsOf(line).getFirst();

    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = HangGuard.finishes(() -> KernelLogParserTest.parse(parser, hostile));

    assertThat(faults)
        .hasSizeLessThanOrEqualTo(1)
        .allSatisfy(
            f -> {
              assertThat(f.xid()).isEqualTo(original.xid());
              assertThat(f.pci()).isEqualTo(original.pci());
            });
    assertThat(parser.counters().faults()).isEqualTo(faults.size());
  }

  @Provide
  Arbitrary<String> sgr() {
    return Arbitraries.strings()
        .withChars("0123456789;")
        .ofMaxLength(8)
        .map(parameters -> ESC + "[" + parameters + "m");
  }

  @Property(tries = 1000)
  void colourEscapesBetweenAnyCharactersChangeNothing(
      @ForAll("faultLines") String line,
      @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 400) Integer> positions,
      @ForAll("sgr") String sgr) {
    StringBuilder coloured = new StringBuilder(line);
    positions.stream()
        .map(p -> Math.min(p, line.length()))
        .sorted((p, q) -> q - p) // from the end, so earlier positions stay where they were
        .forEach(p -> coloured.insert(p, sgr));
    assertThat(HangGuard.finishes(() -> faultsOf(coloured.toString()))).isEqualTo(faultsOf(line));
  }

  @Provide
  Arbitrary<String> kmsgTails() {
    return Arbitraries.of(
            "\\x0aNVRM: Xid (PCI:0000:00:06): 79, forged",
            "\\x0aNVRM: GPU at PCI:0000:00:06: GPU-00000000-0000-0000-0000-000000000000",
            "\\x0aNVRM: fallen off the bus and is not responding to commands.",
            "\\x0a",
            "\\x0d\\x0a",
            "\\x1b[0m",
            "\\x5c",
            "\\xZZ",
            "\\x",
            "\\x00",
            " caused by previous Xid 48")
        .list()
        .ofMaxSize(6)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 1000)
  void aKmsgRecordIsOneMessageWhateverItsEscapes(@ForAll("kmsgTails") String tail) {
    String record = FAULT_LINES.getFirst() + tail; // the real Xid 31 from an H100
    KernelLogParser parser = new KernelLogParser();

    List<DriverFault> faults = HangGuard.finishes(() -> parser.acceptLine(record));

    assertThat(faults)
        .hasSizeLessThanOrEqualTo(1)
        .allSatisfy(f -> assertThat(f.xid()).isEqualTo(31));
    assertThat(parser.knownUuids()).isEmpty();
  }

  @Property(tries = 1000)
  void invalidUtf8InARealLineIsCountedNeverAnotherFault(
      @ForAll("faultLines") String line,
      @ForAll @IntRange(min = 0, max = 400) int at,
      @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0x80, max = 0xFF) Integer> junk) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    int cut = Math.min(at, bytes.length);
    ByteArrayOutputStream spliced = new ByteArrayOutputStream();
    spliced.write(bytes, 0, cut);
    junk.forEach(spliced::write);
    spliced.write(bytes, cut, bytes.length - cut);
    String decoded = spliced.toString(StandardCharsets.UTF_8); // malformed input becomes U+FFFD
    DriverFault original = faultsOf(line).getFirst();

    KernelLogParser parser = new KernelLogParser();
    List<DriverFault> faults = HangGuard.finishes(() -> parser.acceptLine(decoded));

    if (decoded.indexOf('\ufffd') >= 0) {
      assertThat(faults).isEmpty();
      assertThat(parser.counters().unparsed()).isEqualTo(1);
    } else {
      assertThat(faults)
          .hasSizeLessThanOrEqualTo(1)
          .allSatisfy(f -> assertThat(f.xid()).isEqualTo(original.xid()));
    }
  }

  @Provide
  Arbitrary<List<String>> adversarialFragments() {
    return Arbitraries.of(
            "RLW_REMAP Fatal XC0 i0 Link 1 (",
            "0x0 ",
            "NVLink: fatal error detected on link 1(",
            "0x10000, ",
            "GPU recovery action changed from 0x0 (None) to 0x1 (",
            "pid=",
            "name=",
            "(GPC 1, TPC ",
            "caused by previous Xid ",
            "The NVIDIA GPU 0000:3b:00.0 ",
            "fallen off the bus ",
            "GPU 0000:3b:00.0: ",
            ESC + "[",
            "\\x0a",
            "Ch ",
            "channel 0x",
            "A",
            " ",
            ",",
            "9")
        .list()
        .ofMinSize(1)
        .ofMaxSize(6);
  }

  @Property(tries = 40)
  void longAdversarialLinesAreReadInBoundedTime(
      @ForAll("adversarialFragments") List<String> fragments,
      @ForAll @IntRange(min = 0, max = 3) int prefix,
      @ForAll @IntRange(min = 0, max = 4) int kind) {
    String start =
        List.of("6,1,0,-;", "[ 1.000000] ", "Nov 02 11:20:31 h kernel: ", "").get(prefix)
            + List.of(
                    XID_HEAD + "145, ",
                    XID_HEAD + "13, ",
                    XID_HEAD + "74, ",
                    XID_HEAD + "154, ",
                    "NVRM: ")
                .get(kind);
    String filler = String.join("", fragments);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String line = start + filler.repeat(KernelLogParser.MAX_LINE_CHARS / filler.length() + 1);
      lines.add(line.substring(0, KernelLogParser.MAX_LINE_CHARS - i));
    }
    KernelLogParser parser = new KernelLogParser();

    List<DriverFault> faults =
        HangGuard.finishes(
            () -> lines.stream().flatMap(l -> parser.acceptLine(l).stream()).toList());

    assertThat(parser.counters().lines()).isEqualTo(lines.size());
    assertThat(faults)
        .allSatisfy(
            f -> {
              assertThat(f.pci()).isNotNull();
              if (f.xid() != null) assertThat(DriverFault.plausibleXid(f.xid())).isTrue();
            });
  }
}
