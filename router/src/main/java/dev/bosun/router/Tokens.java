package dev.bosun.router;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Bearer tokens: taking one from a request, and checking it against a sandbox's token hash (the
 * annotation {@code bosun.dev/access-token-sha256} the operator writes).
 */
public final class Tokens {
  /** RFC 6750's b64token. */
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

  private static final String BEARER = "bearer ";

  private Tokens() {}

  /** What the Authorization header holds. */
  public sealed interface Credential {
    record Bearer(String token) implements Credential {}

    record Missing() implements Credential {}

    /** Present but not one Bearer token (Basic, two headers, bad characters). */
    record Malformed(String reason) implements Credential {}
  }

  public static Credential credential(List<String> authorization) {
    if (authorization.isEmpty()) return new Credential.Missing();
    if (authorization.size() > 1) return new Credential.Malformed("more than one Authorization");
    String value = authorization.getFirst();
    if (value.length() <= BEARER.length()
        || !value.substring(0, BEARER.length()).equalsIgnoreCase(BEARER)) {
      return new Credential.Malformed("not a Bearer token");
    }
    String token = value.substring(BEARER.length()).strip();
    if (!B64TOKEN.matcher(token).matches()) {
      return new Credential.Malformed("not a Bearer token");
    }
    return new Credential.Bearer(token);
  }

  /**
   * Whether {@code tokenHash} equals {@code expectedHash}, in time independent of where they
   * differ.
   */
  public static boolean sameHash(String tokenHash, String expectedHash) {
    if (expectedHash == null) return false;
    return MessageDigest.isEqual(
        tokenHash.getBytes(StandardCharsets.US_ASCII),
        expectedHash.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
  }
}
