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

  /** A positive latency in milliseconds or seconds, such as 250ms or 2s. */
  public static final String LATENCY = "^[1-9][0-9]{0,5}(ms|s)$";

  /** A percentage from 0 to 100 with at most two decimals, such as 1%, 0.5% or 100%. */
  public static final String PERCENT = "^(100(\\.0{1,2})?|[0-9]{1,2}(\\.[0-9]{1,2})?)%$";

  /** What each pattern asks for, in words, for error messages. */
  public static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry(LATENCY, "must be a positive latency in ms or s, such as 250ms or 2s"),
          Map.entry(PERCENT, "must be a percentage from 0% to 100%, such as 1% or 0.5%"),
          Map.entry(QUANTITY, "must be a quantity such as 500m, 4 or 16Gi"),
          Map.entry(
              DNS_LABEL,
              "must be lower case letters, digits and '-', starting and ending with a letter or digit"),
          Map.entry(
              DNS_SUBDOMAIN,
              "must be lower case letters, digits, '-' and '.', starting and ending with a letter or digit"),
          Map.entry(
              IMAGE,
              "must name a tag or a digest, such as registry.example.com/team/app:1.4.2 or ...@sha256:<64 hex digits>"),
          Map.entry(MONEY, "must be a decimal amount such as 2.50"),
          Map.entry(CIDR, "must be a CIDR block such as 203.0.113.0/24"),
          Map.entry(HTTP_PATH, "must be an HTTP path starting with /"),
          Map.entry(DURATION, "must be a positive duration in s, m or h, such as 90s, 10m or 1h"),
          Map.entry(HOST_PORT, "must be host:port, such as scaler.bosun-system.svc:9090"),
          Map.entry(
              ENV_NAME,
              "must be a variable name: letters, digits, '_', '.' or '-', not starting with a digit"));

  private Patterns() {}
}
