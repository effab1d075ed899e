package dev.bosun.gpu.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.gpu.HangGuard;
import dev.bosun.gpu.model.PciAddress;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The NVSwitch SXid lines under hostile input, as {@link KernelLogHostileProperties} does for Xids:
 * never an exception, a bad field dropped or the line counted (never a fault with a wrong code or
 * address), and every line finished within {@link HangGuard#LIMIT}.
 */
class SxidProperties {

  private static final String REAL =
      "[ 1108.858286] nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 24007, Fatal, Link 28 sourcetrack timeout error (First)";
  private static final PciAddress SWITCH = PciAddress.of("0000:c3:00.0");

  @Provide
  Arbitrary<String> numbers() {
    return Arbitraries.oneOf(
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30),
        Arbitraries.of("0", "1", "999", "1000", "99999", "100000", "9223372036854775808"));
  }

  @Property(tries = 2000)
  void everyNumericFieldIsDroppedOrTheLineCountedNeverAnException(
      @ForAll("numbers") String nvswitch,
      @ForAll("numbers") String code,
      @ForAll("numbers") String link,
      @ForAll boolean fatal) {
    String line =
        "[ 1.000000] nvidia-nvswitch%s: SXid (PCI:0000:c3:00.0): %s, %s, Link %s x"
            .formatted(nvswitch, code, fatal ? "Fatal" : "Non-fatal", link);
    KernelLogParser parser = new KernelLogParser();

    List<DriverFault> faults = HangGuard.finishes(() -> parser.acceptLine(line));

    boolean readable =
        nvswitch.length() <= 3
            && code.length() <= 5
            && Long.parseLong(code) >= SwitchError.MIN_SXID;
    if (!readable) {
      assertThat(faults).isEmpty();
      assertThat(parser.counters().unparsed()).isEqualTo(1);
      return;
    }
    assertThat(parser.counters().unparsed()).isZero();
    assertThat(faults)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.pci()).isEqualTo(SWITCH);
              assertThat(f.sxid())
                  .isEqualTo(
                      new SwitchError(
                          Integer.parseInt(nvswitch),
                          Integer.parseInt(code),
                          fatal,
                          link.length() <= 4 ? Integer.valueOf(link) : null));
            });
  }

  @Property(tries = 2000)
  void anyTextAfterTheCodeIsOneSwitchFaultOrNone(
      @ForAll String rest, @ForAll @IntRange(min = 0, max = 120) int cut) {
    String head = REAL.substring(0, Math.min(cut, REAL.length()));
    KernelLogParser parser = new KernelLogParser();

    List<DriverFault> faults =
        HangGuard.finishes(() -> KernelLogParserTest.parse(parser, head + rest));

    assertThat(faults)
        .hasSizeLessThanOrEqualTo(1)
        .allSatisfy(
            f -> {
              assertThat(f.fromSwitch()).isTrue();
              assertThat(f.xid()).isNull();
            });
    assertThat(parser.counters().faults()).isEqualTo(faults.size());
  }

  @Provide
  Arbitrary<List<String>> adversarialFragments() {
    return Arbitraries.of(
            "nvidia-nvswitch0: ",
            "SXid (PCI:0000:c3:00.0): ",
            "24007, ",
            "Fatal, ",
            "Link ",
            "Data {0x0, ",
            "Severity 0 ",
            "9",
            " ",
            ",")
        .list()
        .ofMinSize(1)
        .ofMaxSize(6);
  }

  @Property(tries = 40)
  void longAdversarialLinesAreReadInBoundedTime(
      @ForAll("adversarialFragments") List<String> fragments,
      @ForAll @IntRange(min = 0, max = 2) int prefix) {
    String start =
        List.of("6,1,0,-;", "[ 1.000000] ", "kernel: ").get(prefix)
            + "nvidia-nvswitch0: SXid (PCI:0000:c3:00.0): 24007, ";
    String filler = String.join("", fragments);
    String line =
        start + filler.repeat((KernelLogParser.MAX_LINE_CHARS - start.length()) / filler.length());
    KernelLogParser parser = new KernelLogParser();

    List<DriverFault> faults = HangGuard.finishes(() -> parser.acceptLine(line));

    assertThat(faults)
        .hasSizeLessThanOrEqualTo(1)
        .allSatisfy(f -> assertThat(f.sxid().sxid()).isEqualTo(24007));
    assertThat(parser.counters().lines()).isEqualTo(1);
  }
}
