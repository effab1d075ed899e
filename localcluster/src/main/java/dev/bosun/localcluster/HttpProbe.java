package dev.bosun.localcluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Whether a process the local cluster runs answers yet: its health endpoint says 200. */
public final class HttpProbe {

  private HttpProbe() {}

  /** True when {@code uri} answers 200 within 2 s; a refused connection is false, not an error. */
  public static boolean answersOk(HttpClient http, URI uri) {
    var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
