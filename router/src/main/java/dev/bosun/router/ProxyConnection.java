package dev.bosun.router;

import dev.bosun.api.v1alpha1.Sandbox;
import dev.bosun.api.v1alpha1.Workload;
import dev.bosun.scaler.Demand;
import dev.bosun.scaler.PodAddress;
import dev.bosun.scaler.WorkloadEndpoints;
import dev.bosun.scaler.WorkloadKey;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One client connection, on its own virtual thread: one request, authenticated and routed on its
 * own, then the connection closes; or a WebSocket upgrade, piped both ways until either side
 * closes. Bodies stream through as sent, never buffered.
 */
final class ProxyConnection implements Runnable {
  /** How long a client has to send its whole head (slow clients hold a connection no longer). */
  static final Duration HEAD_TIMEOUT = Duration.ofSeconds(30);

  /** How long one dial of a sandbox may take. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Retry-After on a 503: a sandbox still waking is likely Ready by then. */
  static final int RETRY_AFTER_SECONDS = 5;

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(25);
  private static final Duration MAX_BACKOFF = Duration.ofMillis(500);
  private static final int BUFFER = 16 * 1024;

  /** After answering, how long and how much of what the client still sends is read and dropped. */
  private static final int LINGER_MILLIS = 1000;

  private static final int LINGER_BYTES = 256 * 1024;

  private final Socket client;
  private final ProxyContext ctx;

  ProxyConnection(Socket client, ProxyContext ctx) {
    this.client = client;
    this.ctx = ctx;
  }

  @Override
  public void run() {
    try (client) {
      serve();
    } catch (IOException e) {
      // The client or the sandbox went away: nobody is left to answer.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve() throws IOException, InterruptedException {
    client.setSoTimeout((int) HEAD_TIMEOUT.toMillis());
    InputStream in = new BufferedInputStream(client.getInputStream());
    OutputStream out = new BufferedOutputStream(client.getOutputStream());
    HeadReader.Read read;
    try {
      read = HeadReader.read(in, ctx.limits());
    } catch (SocketTimeoutException e) {
      answer(out, 408, "no complete request head within " + HEAD_TIMEOUT.toSeconds() + " s");
      return;
    }
    RequestHead head;
    switch (read) {
      case HeadReader.Read.Closed() -> {
        return;
      }
      case HeadReader.Read.TooLong(boolean firstLine) -> {
        answer(
            out,
            firstLine ? 414 : 431,
            firstLine
                ? "request line longer than " + ctx.limits().requestLine() + " bytes"
                : "request head larger than " + ctx.limits().head() + " bytes");
        return;
      }
      case HeadReader.Read.Head(byte[] bytes) -> {
        switch (HeadParser.request(bytes, ctx.limits())) {
          case HeadParser.Result.Refused<RequestHead> refused -> {
            answer(out, refused.rejection().status(), refused.rejection().reason());
            return;
          }
          case HeadParser.Result.Accepted<RequestHead> accepted -> head = accepted.head();
        }
      }
    }
    switch (Route.of(head.target())) {
      case Route.Health() -> internal(head, out, true);
      case Route.Metrics() -> internal(head, out, false);
      case Route.Nowhere(String reason) -> answer(out, 404, reason);
      case Route.ToSandbox route -> sandbox(head, route, in, out);
      case Route.ToWorkload route -> workload(head, route, in, out);
    }
  }

  private void internal(RequestHead head, OutputStream out, boolean health) throws IOException {
    if (!head.method().equals("GET")) {
      answer(out, 405, "GET only", List.of(new Header("Allow", "GET")));
      return;
    }
    ctx.metrics().request(RouterMetrics.Outcome.INTERNAL);
    byte[] response;
    if (!health) {
      response =
          Responses.of(
              200, "text/plain; version=0.0.4; charset=utf-8", ctx.metrics().scrape(), List.of());
    } else if (ctx.sandboxes().synced()) {
      response = Responses.text(200, "ok", List.of());
    } else {
      response = Responses.text(503, "the Sandboxes are not listed yet", List.of());
    }
    out.write(response);
    lingeringClose(out);
  }

  private void sandbox(RequestHead head, Route.ToSandbox route, InputStream in, OutputStream out)
      throws IOException, InterruptedException {
    SandboxKey key = route.sandbox();
    if (!ctx.sandboxes().synced()) {
      unavailable(out, "the router is still reading the Sandboxes");
      return;
    }
    Access.Decision decision =
        ctx.access().check(Tokens.credential(head.values("Authorization")), key);
    if (decision instanceof Access.Decision.Refused(int status, String reason, var headers)) {
      answer(out, status, reason, headers);
      return;
    }
    long started = System.nanoTime();
    long deadline = started + ctx.wakeTimeout().toNanos();
    Sandbox sandbox = ctx.sandboxes().get(key);
    SandboxView view = SandboxView.of(sandbox);
    boolean waking = view instanceof SandboxView.Suspended || view instanceof SandboxView.Starting;
    if (waking) {
      ctx.activity().touch(key, ctx.clock().instant());
      String failure = wake(key, sandbox, view, deadline);
      if (failure != null) {
        unavailable(out, failure);
        return;
      }
      view = ctx.sandboxes().awaitSettled(key, Duration.ofNanos(deadline - System.nanoTime()));
      if (view instanceof SandboxView.Serving) {
        ctx.metrics().woke(Duration.ofNanos(System.nanoTime() - started));
      }
    }
    switch (view) {
      case SandboxView.Missing() -> answer(out, 404, "no sandbox " + key);
      case SandboxView.Expired() -> answer(out, 410, "the sandbox " + key + " expired");
      case SandboxView.Suspended(), SandboxView.Starting() ->
          unavailable(
              out,
              "the sandbox did not become Ready within " + ctx.wakeTimeout().toSeconds() + " s");
      case SandboxView.Serving serving -> {
        ctx.activity().touch(key, ctx.clock().instant());
        Dialed dialed =
            dial(
                new PodAddress(serving.podIP(), serving.port()),
                () ->
                    SandboxView.of(ctx.sandboxes().get(key)) instanceof SandboxView.Serving now
                        ? new PodAddress(now.podIP(), now.port())
                        : null,
                waking ? deadline : System.nanoTime() + CONNECT_TIMEOUT.toNanos(),
                waking);
        if (dialed.socket() == null && waking) {
          unavailable(out, "the sandbox is Ready but does not answer yet: " + dialed.failure());
        } else if (dialed.socket() == null) {
          answer(out, 502, "cannot reach the sandbox: " + dialed.failure());
        } else {
          forward(head, route, in, out, dialed.socket());
        }
      }
    }
  }

  /** Sets a suspended sandbox Running; null when that worked (or was not needed), else why not. */
  private String wake(SandboxKey key, Sandbox sandbox, SandboxView view, long deadline)
      throws InterruptedException {
    if (!(view instanceof SandboxView.Suspended)) return null;
    Long generation = sandbox.getMetadata().getGeneration();
    CompletableFuture<Long> wake = ctx.waker().wake(key, generation == null ? 0 : generation);
    try {
      wake.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return null;
    } catch (ExecutionException e) {
      // The status code only: the client's message would name the API server's address.
      return e.getCause() instanceof KubernetesClientException k
          ? "cannot resume the sandbox: the API server answered " + k.getCode()
          : "cannot resume the sandbox now";
    } catch (TimeoutException e) {
      return "the API server did not take the resume within "
          + ctx.wakeTimeout().toSeconds()
          + " s";
    }
  }

  /** A connected socket, or why there is none. */
  private record Dialed(Socket socket, String failure) {}

  /**
   * Dials the pod. After a wake or a hold ({@code retry}), a refused dial is tried again with a
   * short backoff until the deadline, at the address {@code current} says then (null: the same):
   * the server may listen a moment after its pod is Ready.
   */
  private Dialed dial(PodAddress first, Supplier<PodAddress> current, long deadline, boolean retry)
      throws InterruptedException {
    Duration backoff = FIRST_BACKOFF;
    PodAddress target = first;
    while (true) {
      String failure;
      try {
        InetSocketAddress address = ctx.podNetwork().address(target.ip(), target.port());
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        Socket socket = new Socket();
        try {
          socket.connect(address, (int) Math.min(left, CONNECT_TIMEOUT.toMillis()));
          return new Dialed(socket, null);
        } catch (IOException e) {
          socket.close();
          throw e;
        }
      } catch (IOException e) {
        failure = oneLine(e.getMessage());
      }
      if (!retry || deadline - System.nanoTime() <= backoff.toNanos()) {
        return new Dialed(null, failure);
      }
      Thread.sleep(backoff);
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
      PodAddress now = current.get();
      if (now != null) target = now;
    }
  }

  /**
   * A Workload's request: to one of its Ready pods (round robin). With none (at zero replicas) the
   * request is held, counted as demand for the scaler, until a pod is Ready or the hold timeout.
   */
  private void workload(RequestHead head, Route.ToWorkload route, InputStream in, OutputStream out)
      throws IOException, InterruptedException {
    WorkloadKey key = route.workload();
    if (!ctx.workloads().synced()) {
      unavailable(out, "the router is still reading the Workloads");
      return;
    }
    Access.Decision decision =
        ctx.access().checkWorkload(Tokens.credential(head.values("Authorization")), key);
    if (decision instanceof Access.Decision.Refused(int status, String reason, var headers)) {
      answer(out, status, reason, headers);
      return;
    }
    Workload workload = ctx.workloads().workload(key);
    if (workload == null) {
      answer(out, 404, "no Workload " + key);
      return;
    }
    if (!WorkloadEndpoints.serving(workload)) {
      answer(out, 404, "the Workload " + key + " serves no requests (not a Service or Inference)");
      return;
    }
    List<PodAddress> ready = ctx.workloads().ready(key);
    boolean held = ready.isEmpty();
    long deadline = System.nanoTime() + ctx.holdTimeout().toNanos();
    if (held) {
      Optional<Demand.Hold> hold = ctx.demand().tryHold(key);
      if (hold.isEmpty()) {
        ctx.metrics().hold(RouterMetrics.HoldOutcome.REFUSED);
        unavailable(
            out,
            "the router already holds "
                + ctx.demand().maxPerWorkload()
                + " requests for the Workload "
                + key
                + " while it has no Ready pod");
        return;
      }
      try (Demand.Hold h = hold.get()) {
        ready = ctx.workloads().awaitReady(key, ctx.holdTimeout());
      }
      if (ready.isEmpty()) {
        ctx.metrics().hold(RouterMetrics.HoldOutcome.TIMED_OUT);
        unavailable(
            out,
            "the Workload "
                + key
                + " had no Ready pod within "
                + ctx.holdTimeout().toSeconds()
                + " s");
        return;
      }
      ctx.metrics().hold(RouterMetrics.HoldOutcome.FORWARDED);
    }
    PodAddress pod = ready.get(Math.floorMod(ctx.roundRobin().getAndIncrement(), ready.size()));
    Dialed dialed =
        dial(
            pod,
            () -> ctx.workloads().ready(key).stream().findFirst().orElse(null),
            held ? deadline : System.nanoTime() + CONNECT_TIMEOUT.toNanos(),
            held);
    if (dialed.socket() == null && !held) {
      // Nothing was sent: another Ready pod takes the request once, as a pod that has just started
      // may listen a moment after it is Ready, and one that has just gone may still be listed.
      Optional<PodAddress> other =
          ctx.workloads().ready(key).stream().filter(p -> !p.equals(pod)).findFirst();
      if (other.isPresent()) {
        dialed =
            dial(other.get(), () -> null, System.nanoTime() + CONNECT_TIMEOUT.toNanos(), false);
      }
    }
    if (dialed.socket() == null && held) {
      unavailable(out, "the Workload's pod is Ready but does not answer yet: " + dialed.failure());
    } else if (dialed.socket() == null) {
      answer(out, 502, "cannot reach the Workload's pod: " + dialed.failure());
    } else {
      forward(head, route, in, out, dialed.socket());
    }
  }

  private void forward(
      RequestHead head, Route.Forwarded route, InputStream in, OutputStream out, Socket upstream)
      throws IOException {
    try (upstream) {
      client.setSoTimeout(0);
      upstream.setTcpNoDelay(true);
      InputStream upIn = new BufferedInputStream(upstream.getInputStream());
      OutputStream upOut = new BufferedOutputStream(upstream.getOutputStream());
      upOut.write(Forwarding.request(head, route, client.getInetAddress().getHostAddress()));
      upOut.flush();
      ctx.metrics().request(RouterMetrics.Outcome.FORWARDED);
      Thread.ofVirtual()
          .name("bosun-router-request-body")
          .start(() -> copyRequestBody(head, in, upOut, upstream));
      ResponseHead response = readResponse(upIn, out);
      if (response == null) return;
      if (head.webSocketUpgrade() && response.status() == 101) {
        out.write(Forwarding.response(response, Forwarding.Kind.UPGRADED));
        out.flush();
        copy(upIn, out, Long.MAX_VALUE);
        return;
      }
      out.write(Forwarding.response(response, Forwarding.Kind.FINAL));
      boolean noBody =
          head.method().equals("HEAD") || response.status() == 204 || response.status() == 304;
      if (!noBody) {
        copy(upIn, out, response.contentLength().orElse(Long.MAX_VALUE));
      }
    }
    // The sandbox's socket is closed: what the client still sends is dropped, not forwarded.
    lingeringClose(out);
  }

  /**
   * The sandbox's final response head, after passing on any interim 1xx; null when there is none
   * (the client was told 502).
   */
  private ResponseHead readResponse(InputStream upIn, OutputStream out) throws IOException {
    while (true) {
      HeadReader.Read read = HeadReader.read(upIn, ctx.limits());
      if (!(read instanceof HeadReader.Read.Head(byte[] bytes))) {
        answer(
            out,
            502,
            read instanceof HeadReader.Read.Closed
                ? "the sandbox closed the connection without a response"
                : "the sandbox's response head is too large");
        return null;
      }
      switch (HeadParser.response(bytes, ctx.limits())) {
        case HeadParser.Result.Refused<ResponseHead> refused -> {
          answer(out, 502, refused.rejection().reason());
          return null;
        }
        case HeadParser.Result.Accepted<ResponseHead> accepted -> {
          ResponseHead response = accepted.head();
          if (response.status() >= 200 || response.status() == 101) return response;
          out.write(Forwarding.response(response, Forwarding.Kind.INTERIM));
          out.flush();
        }
      }
    }
  }

  /**
   * The client's bytes after the head, to the sandbox: exactly Content-Length of them; a chunked
   * body as sent, cut at the body limit; after an upgrade, everything until the client closes.
   */
  private void copyRequestBody(
      RequestHead head, InputStream in, OutputStream upOut, Socket upstream) {
    try {
      if (head.webSocketUpgrade()) {
        copy(in, upOut, Long.MAX_VALUE);
        upstream.close();
      } else if (head.contentLength().isPresent()) {
        copy(in, upOut, head.contentLength().getAsLong());
      } else if (head.chunked()) {
        if (copy(in, upOut, ctx.limits().body() + 1) > ctx.limits().body()) upstream.close();
      }
    } catch (IOException e) {
      // Either side closed: the response side ends the exchange.
    }
  }

  /** Copies up to {@code limit} bytes, flushing each read (streamed responses stay streamed). */
  private static long copy(InputStream from, OutputStream to, long limit) throws IOException {
    byte[] buffer = new byte[BUFFER];
    long copied = 0;
    while (copied < limit) {
      int n = from.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
      if (n < 0) break;
      to.write(buffer, 0, n);
      to.flush();
      copied += n;
    }
    return copied;
  }

  private void unavailable(OutputStream out, String reason) throws IOException {
    answer(
        out,
        503,
        reason,
        List.of(new Header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS))));
  }

  private void answer(OutputStream out, int status, String reason) throws IOException {
    answer(out, status, reason, List.of());
  }

  private void answer(OutputStream out, int status, String reason, List<Header> headers)
      throws IOException {
    ctx.metrics().request(RouterMetrics.outcomeOf(status));
    out.write(Responses.text(status, reason, headers));
    lingeringClose(out);
  }

  /**
   * Ends the response, then reads and drops what the client still sends for a moment: closing a
   * socket with unread input resets it, and the client could lose the response.
   */
  private void lingeringClose(OutputStream out) throws IOException {
    out.flush();
    client.shutdownOutput();
    client.setSoTimeout(LINGER_MILLIS);
    InputStream in = client.getInputStream();
    byte[] drain = new byte[BUFFER];
    try {
      int total = 0;
      int n;
      while (total < LINGER_BYTES && (n = in.read(drain)) >= 0) total += n;
    } catch (SocketTimeoutException e) {
      // The client keeps the connection open: it has had the response.
    }
  }

  private static String oneLine(String message) {
    return message == null ? "no detail" : message.lines().findFirst().orElse("no detail");
  }
}
