package dev.bosun.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

class NamesProperties {

  @Property
  void shortenedNamesFitAndKeepTheirSuffix(
      @ForAll @AlphaChars @StringLength(min = 1, max = 300) String raw,
      @ForAll @IntRange(min = 20, max = 63) int max) {
    String base = "a" + raw.toLowerCase();
    String name = Names.of(base, "gpu", max);
    assertThat(name)
        .hasSizeLessThanOrEqualTo(max)
        .endsWith("-gpu")
        .matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    assertThat(Names.of(base, "gpu", max)).isEqualTo(name);
  }

  @Property
  void distinctLongNamesStayDistinct(
      @ForAll @AlphaChars @StringLength(min = 70, max = 200) String raw) {
    String base = "a" + raw.toLowerCase();
    assertThat(Names.of(base + "x", "", 63)).isNotEqualTo(Names.of(base + "y", "", 63));
  }
}
