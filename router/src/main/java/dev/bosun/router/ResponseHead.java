package dev.bosun.router;

import java.util.List;
import java.util.OptionalLong;

/** A sandbox's response head, as the parser read it. */
public record ResponseHead(String version, int status, String reason, List<Header> headers) {
  public ResponseHead {
    headers = List.copyOf(headers);
  }

  public OptionalLong contentLength() {
    return Heads.contentLength(headers);
  }

  public boolean chunked() {
    return Heads.chunked(headers);
  }
}
