package dev.bosun.api.v1alpha1;

import java.util.Map;

/** Regular expressions shared by the schema annotations and the Java-side validation. */
public final class Patterns {
  /**
   * A Kubernetes quantity as Bosun accepts it: a plain decimal with an optional SI or binary
   * suffix.
   */
  public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi)?$";

  /** A DNS-1123 label: the name of a Tier or an Environment. */
  public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** A DNS-1123 subdomain: the name of most objects, such as a ServiceAccount. */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** An image reference that names a tag or a digest (or both); a bare repository is not enough. */
  public static final String IMAGE =
      "^[a-z0-9][a-z0-9._/:-]*[a-z0-9]((:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$";

  /** A digest suffix of an image reference. */
  public static final String IMAGE_DIGEST = "@sha256:[a-f0-9]{64}$";

  /** A decimal amount of money with at most four decimals. */
  public static final String MONEY = "^[0-9]+(\\.[0-9]{1,4})?$";

  /** An IPv4 or IPv6 CIDR block. */
  public static final String CIDR =
      "^([0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9a-fA-F:]+/[0-9]{1,3})$";

  /** An HTTP path. */
  public static final String HTTP_PATH = "^/[^\\s]*$";

  /** An environment variable name. */
  public static final String ENV_NAME = "^[A-Za-z_][A-Za-z0-9_.-]*$";

  /**
   * A positive duration in one unit of seconds, minutes or hours, such as 90s, 10m or 1h. One unit
   * keeps it readable and lets the pattern alone reject zero, negative and malformed values.
   */
  public static final String DURATION = "^[1-9][0-9]{0,5}(s|m|h)$";

  /** A host (DNS name or IP address) and a port, such as scaler.bosun-system.svc:9090. */
  public static final String HOST_PORT = "^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?:[0-9]{1,5}$";

  /** What each pattern asks for, in words, for error messages. */
  public static final Map<String, String> DESCRIPTIONS =
      Map.of(
          QUANTITY, "must be a quantity such as 500m, 4 or 16Gi",
          DNS_LABEL,
              "must be lower case letters, digits and '-', starting and ending with a letter or digit",
          DNS_SUBDOMAIN,
              "must be lower case letters, digits, '-' and '.', starting and ending with a letter or digit",
          IMAGE,
              "must name a tag or a digest, such as registry.example.com/team/app:1.4.2 or ...@sha256:<64 hex digits>",
          MONEY, "must be a decimal amount such as 2.50",
          CIDR, "must be a CIDR block such as 203.0.113.0/24",
          HTTP_PATH, "must be an HTTP path starting with /",
          DURATION, "must be a positive duration in s, m or h, such as 90s, 10m or 1h",
          HOST_PORT, "must be host:port, such as scaler.bosun-system.svc:9090",
          ENV_NAME,
              "must be a variable name: letters, digits, '_', '.' or '-', not starting with a digit");

  private Patterns() {}
}
