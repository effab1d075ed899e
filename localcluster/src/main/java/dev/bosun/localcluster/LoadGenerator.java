package dev.bosun.localcluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * An open-loop load generator ({@code bosun dev load}): it starts requests at a fixed rate whatever
 * the answers, as users arrive, so a slow server sees its queue grow instead of the generator
 * slowing down. In-flight requests are bounded; one that would pass the bound is skipped and
 * counted. Every second it reports what was sent in it and what was answered in it.
 */
public final class LoadGenerator {

  public static final int MAX_RPS = 10_000;
  public static final Duration MAX_DURATION = Duration.ofHours(1);
  public static final int MAX_IN_FLIGHT = 10_000;

  /** How long one request may take before it counts as an error. */
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /** Past the end of a second before it is reported, so answers just at its end are in. */
  private static final Duration REPORT_GRACE = Duration.ofMillis(50);

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private LoadGenerator() {}

  /**
   * What to send: {@code body} as a JSON POST, {@code rps} times a second for {@code duration}, at
   * most {@code maxInFlight} at once.
   */
  public record Settings(
      String body, int rps, Duration duration, int maxInFlight, Optional<String> bearerToken) {
    /** Without credentials, as a stand-in server takes. */
    public Settings(String body, int rps, Duration duration, int maxInFlight) {
      this(body, rps, duration, maxInFlight, Optional.empty());
    }

    public Settings {
      if (rps < 1 || rps > MAX_RPS) {
        throw new IllegalArgumentException("--rps: must be from 1 to " + MAX_RPS + ", got " + rps);
      }
      if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException(
            "--duration: must be from 1s to " + MAX_DURATION.toMinutes() + "m, got " + duration);
      }
      if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
        throw new IllegalArgumentException(
            "--max-in-flight: must be from 1 to " + MAX_IN_FLIGHT + ", got " + maxInFlight);
      }
    }

    /** The same load, sent with {@code Authorization: Bearer token}. */
    public Settings withBearerToken(String token) {
      return new Settings(body, rps, duration, maxInFlight, Optional.of(token));
    }

    long requests() {
      return rps * duration.toSeconds();
    }
  }

  /** Every second reported, and the run as a whole (its {@code second}: the seconds it took). */
  public record Report(List<LoadSecond> seconds, LoadSecond total) {}

  /** What one second saw, filled as it happens. */
  private static final class Tally {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final ConcurrentLinkedQueue<LoadSecond.Answer> answers = new ConcurrentLinkedQueue<>();
  }

  /**
   * Sends {@code settings} to {@code target} with {@code http}, calling {@code onSecond} once a
   * second, and returns once every request sent is answered or timed out.
   *
   * @throws InterruptedException when the calling thread is interrupted: no request is sent after
   *     it, and the answers of those in flight are not waited for
   */
  public static Report run(
      HttpClient http, URI target, Settings settings, Consumer<LoadSecond> onSecond)
      throws InterruptedException {
    long start = System.nanoTime();
    Map<Long, Tally> tallies = new ConcurrentHashMap<>();
    AtomicInteger inFlight = new AtomicInteger();
    Thread sender =
        Thread.ofVirtual()
            .name("bosun-load-sender")
            .start(() -> send(http, target, settings, start, tallies, inFlight));
    var seconds = new ArrayList<LoadSecond>();
    for (long second = 0; ; second++) {
      long reported = second;
      long reportAt = start + (second + 1) * NANOS_PER_SECOND + REPORT_GRACE.toNanos();
      try {
        sleepUntil(reportAt);
      } catch (InterruptedException e) {
        sender.interrupt();
        throw e;
      }
      var tally = tallies.getOrDefault(second, new Tally());
      var report =
          LoadSecond.of(second, tally.sent.get(), tally.skipped.get(), List.copyOf(tally.answers));
      seconds.add(report);
      onSecond.accept(report);
      // Done once every request is sent and answered and every second with news is reported.
      if (!sender.isAlive()
          && inFlight.get() == 0
          && tallies.keySet().stream().allMatch(seen -> seen <= reported)) {
        break;
      }
    }
    sender.join();
    var all = new ArrayList<LoadSecond.Answer>();
    tallies.values().forEach(tally -> all.addAll(tally.answers));
    return new Report(
        seconds,
        LoadSecond.of(
            seconds.size(),
            tallies.values().stream().mapToInt(tally -> tally.sent.get()).sum(),
            tallies.values().stream().mapToInt(tally -> tally.skipped.get()).sum(),
            all));
  }

  private static void send(
      HttpClient http,
      URI target,
      Settings settings,
      long start,
      Map<Long, Tally> tallies,
      AtomicInteger inFlight) {
    var builder =
        HttpRequest.newBuilder(target)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(settings.body()));
    settings.bearerToken().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
    var request = builder.build();
    long interval = NANOS_PER_SECOND / settings.rps();
    for (long i = 0; i < settings.requests(); i++) {
      try {
        sleepUntil(start + i * interval);
      } catch (InterruptedException e) {
        return; // the run was stopped
      }
      long sentAt = System.nanoTime();
      var tally = tallies.computeIfAbsent(secondOf(start, sentAt), second -> new Tally());
      if (inFlight.get() >= settings.maxInFlight()) {
        tally.skipped.incrementAndGet();
        continue;
      }
      inFlight.incrementAndGet();
      tally.sent.incrementAndGet();
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, failure) -> {
                long answeredAt = System.nanoTime();
                LoadSecond.Answer answer =
                    failure == null
                        ? new LoadSecond.Answer.Status(
                            response.statusCode(), Duration.ofNanos(answeredAt - sentAt))
                        : new LoadSecond.Answer.Failure(String.valueOf(failure.getMessage()));
                tallies
                    .computeIfAbsent(secondOf(start, answeredAt), second -> new Tally())
                    .answers
                    .add(answer);
                inFlight.decrementAndGet();
              });
    }
  }

  private static long secondOf(long start, long at) {
    return (at - start) / NANOS_PER_SECOND;
  }

  /** Parks until {@code nanoTime}; parkNanos returns at once on an interrupted thread. */
  private static void sleepUntil(long nanoTime) throws InterruptedException {
    for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
      if (Thread.interrupted()) throw new InterruptedException();
      LockSupport.parkNanos(left);
    }
  }
}
