package dev.bosun.router;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The router's own answers: a status line, a few headers and a one-line text body. */
final class Responses {
  private Responses() {}

  static final String TEXT = "text/plain; charset=utf-8";

  /** A one-line text body: the line and a newline. */
  static byte[] text(int status, String line, List<Header> extra) {
    return of(status, TEXT, line + "\n", extra);
  }

  static byte[] of(int status, String contentType, String body, List<Header> extra) {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append("HTTP/1.1 ").append(status).append(' ').append(reasonPhrase(status)).append("\r\n");
    head.append("Content-Type: ").append(contentType).append("\r\n");
    head.append("Content-Length: ").append(content.length).append("\r\n");
    head.append("Cache-Control: no-store\r\n");
    head.append("Connection: close\r\n");
    for (Header h : extra) head.append(h.name()).append(": ").append(h.value()).append("\r\n");
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[headBytes.length + content.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(content, 0, all, headBytes.length, content.length);
    return all;
  }

  static String reasonPhrase(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 410 -> "Gone";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 431 -> "Request Header Fields Too Large";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 505 -> "HTTP Version Not Supported";
      default -> "Error";
    };
  }
}
