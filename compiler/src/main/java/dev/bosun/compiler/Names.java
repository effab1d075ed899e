package dev.bosun.compiler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names of the objects a Workload compiles to. Kubernetes limits names by kind (a Service name is a
 * 63-character DNS-1035 label; a Deployment's pods add 17 characters to its name), so a name that
 * would be too long is cut and given a hash suffix of the full name: deterministic, so the operator
 * and {@code bosun render} agree, and distinct for distinct long names.
 */
public final class Names {
  /** A DNS label, such as a Service name or a label value. */
  public static final int LABEL = 63;

  /** A Deployment, whose pods are named {@code <name>-<10-char hash>-<5 chars>} within a label. */
  public static final int DEPLOYMENT = 47;

  /** A Job, whose indexed pods have the hostname {@code <name>-<index>}. */
  public static final int JOB = 52;

  private static final int HASH_LENGTH = 8;

  private Names() {}

  /** {@code base-suffix} (or {@code base} for an empty suffix), shortened to {@code max}. */
  public static String of(String base, String suffix, int max) {
    String full = suffix.isEmpty() ? base : base + "-" + suffix;
    if (full.length() <= max) {
      return full;
    }
    String tail = "-" + hash(full) + (suffix.isEmpty() ? "" : "-" + suffix);
    String head = base.substring(0, Math.max(1, max - tail.length()));
    while (head.length() > 1 && head.endsWith("-")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + tail;
  }

  /** A label value for a name that may be longer than a label value may be. */
  public static String labelValue(String name) {
    return of(name, "", LABEL);
  }

  private static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
