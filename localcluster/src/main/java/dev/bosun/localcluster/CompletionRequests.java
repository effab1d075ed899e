package dev.bosun.localcluster;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What makes a completion request malformed, as an OpenAI-style server checks it: pure, for {@link
 * ModelServer}.
 */
final class CompletionRequests {

  /** Why a request is refused, and with which status. */
  record Problem(int status, String message) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private CompletionRequests() {}

  /** The problem of a request with this Content-Type and body, if it has one. */
  static Optional<Problem> problem(String contentType, byte[] body) {
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
      return Optional.of(
          new Problem(415, "Content-Type must be application/json, got " + contentType));
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body))
              .toString();
    } catch (CharacterCodingException e) {
      return Optional.of(new Problem(400, "the body is not valid UTF-8"));
    }
    JsonNode request;
    try {
      request = JSON.readTree(text);
    } catch (JacksonException e) {
      return Optional.of(new Problem(400, "the body is not JSON: " + e.getOriginalMessage()));
    }
    if (request == null || !request.isObject()) {
      return Optional.of(new Problem(400, "the body must be a JSON object"));
    }
    if (!request.path("prompt").isTextual()) {
      return Optional.of(new Problem(400, "prompt must be a string"));
    }
    return Optional.empty();
  }
}
