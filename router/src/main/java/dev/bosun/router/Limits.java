package dev.bosun.router;

/**
 * What the router accepts from a client, and what it answers past each limit. Documented in the
 * module's README; tests hold the parser to them.
 *
 * @param requestLine longest request line (method, target, version), in bytes; past it: 414
 * @param headerCount most header fields; past it: 431
 * @param head longest request head (request line, headers, the empty line), in bytes; past it: 431
 * @param body largest request body, in bytes: a larger Content-Length is refused with 413; a
 *     chunked body is passed through as it comes and the connection is cut past this many bytes
 */
public record Limits(int requestLine, int headerCount, int head, long body) {
  public static final Limits DEFAULTS = new Limits(8 * 1024, 100, 32 * 1024, 64L * 1024 * 1024);
}
