package dev.bosun.gpu.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PciAddressTest {

  @Test
  void kernelNvmlAndSysfsFormsAreTheSameAddress() {
    PciAddress fromXid = PciAddress.of("0000:07:00");
    PciAddress fromNvml = PciAddress.of("00000000:07:00.0");
    PciAddress fromSysfs = PciAddress.of("0000:07:00.0");
    assertThat(fromXid).isEqualTo(fromNvml).isEqualTo(fromSysfs);
    assertThat(fromXid.toString()).isEqualTo("0000:07:00.0");
    assertThat(fromXid.nvmlForm()).isEqualTo("00000000:07:00.0");
  }

  @Test
  void hexDigitsAreCaseInsensitiveAndPrintedInEachToolsCase() {
    PciAddress a = PciAddress.of("00000000:3B:00.0");
    assertThat(a).isEqualTo(PciAddress.of("PCI:0000:3b:00"));
    assertThat(a.toString()).isEqualTo("0000:3b:00.0");
    assertThat(a.nvmlForm()).isEqualTo("00000000:3B:00.0");
  }

  @Test
  void rejectsWhatIsNotAnAddress() {
    assertThat(PciAddress.parse("0000:07")).isEmpty();
    assertThat(PciAddress.parse("0000:07:3f.0")).isEmpty(); // device > 31
    assertThat(PciAddress.parse("garbage")).isEmpty();
    assertThat(PciAddress.parse(null)).isEmpty();
    assertThat(PciAddress.parse("0000:07:00.8")).isEmpty();
  }

  @Test
  void largeDomainsKeepEightDigits() {
    assertThat(PciAddress.of("10000:01:00.0").toString()).isEqualTo("00010000:01:00.0");
  }
}
