package dev.bosun.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The real H100 output of the project's shared GPU fixtures (h100-80gb-hbm3), copied unchanged into
 * the test resources so the tests need nothing outside the module.
 */
public final class Fixtures {
  private Fixtures() {}

  public static String h100(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/h100-80gb-hbm3/" + name)) {
      if (in == null) throw new IllegalArgumentException("no fixture " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
