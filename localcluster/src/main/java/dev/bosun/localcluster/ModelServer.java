package dev.bosun.localcluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stand-in LLM server on 127.0.0.1 for one replica of an Inference Workload, which a KWOK pod
 * does not run. It serves at most {@link ModelServerSettings#capacity} requests at once, each for
 * {@link ModelServerSettings#serviceTime}; more wait in arrival order, up to {@link
 * ModelServerSettings#maxWaiting}, and the rest get 503. It answers:
 *
 * <ul>
 *   <li>{@code POST /v1/completions}: an OpenAI-style text completion naming the pod, once served;
 *   <li>{@code GET /metrics}: {@link VllmMetrics}, vLLM's gauges of requests running and waiting
 *       and KV-cache use;
 *   <li>{@code GET /health}: 200, as vLLM does.
 * </ul>
 *
 * <p>A completion request must be {@code application/json} (else 415), valid UTF-8 and a JSON
 * object with a string {@code prompt} (else 400). How the server takes a malformed request, its
 * pod's going away and its service time follow the replica's {@link StandInBehaviour}.
 */
public final class ModelServer implements StandInServers.Server {

  /** The longest a draining server waits for the requests it holds. */
  private static final Duration MAX_DRAIN = Duration.ofSeconds(30);

  private final ModelServerPlan.Replica replica;
  private final ModelServerSettings settings;
  private final Clock clock;
  private final HttpServer server;

  /**
   * Guards {@link #load}, {@link #busy}, {@link #arrivals}, {@link #handedOver} and {@link
   * #completed}.
   */
  private final ReentrantLock lock = new ReentrantLock();

  private final Condition slotHandedOver = lock.newCondition();
  private ModelServerLoad load;

  /** How busy the slots were since {@link #busyFraction} last asked. */
  private BusyTime busy;

  /** Requests that have waited, numbered in arrival order. */
  private long arrivals;

  /** Waiting requests given a slot, in arrival order: those numbered below it run. */
  private long handedOver;

  private long completed;

  /** Set once a malformed request has made a crashing server stop. */
  private volatile boolean crashed;

  private ModelServer(
      ModelServerPlan.Replica replica, ModelServerSettings settings, Executor executor) {
    this.replica = replica;
    this.settings = settings;
    this.clock = Clock.systemUTC();
    this.load = settings.idle();
    this.busy = BusyTime.startingAt(System.nanoTime(), 0);
    this.server = LoopbackHttp.serve(replica.podName(), this::answer, executor);
  }

  /** Serves {@code replica} on a free loopback port, handling requests on {@code executor}. */
  public static ModelServer start(
      ModelServerPlan.Replica replica, ModelServerSettings settings, Executor executor) {
    return new ModelServer(replica, settings, executor);
  }

  @Override
  public InetSocketAddress address() {
    return LoopbackHttp.address(server);
  }

  /**
   * The mean share of the slots busy since the last call (since the start, the first time): what
   * the stand-in reports as its CPU use, as a real server's CPU time follows the work it does.
   */
  public double busyFraction() {
    lock.lock();
    try {
      long now = System.nanoTime();
      double fraction = busy.fraction(now, settings.capacity());
      busy = BusyTime.startingAt(now, load.running());
      return fraction;
    } finally {
      lock.unlock();
    }
  }

  /** The queue now. */
  public ModelServerLoad load() {
    lock.lock();
    try {
      return load;
    } finally {
      lock.unlock();
    }
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    switch (path) {
      case "/v1/completions" -> {
        if (!method.equals("POST")) {
          notAllowed(exchange, "POST");
        } else {
          complete(exchange);
        }
      }
      case "/metrics" -> {
        if (!method.equals("GET")) {
          notAllowed(exchange, "GET");
        } else {
          LoopbackHttp.reply(
              exchange,
              200,
              VllmMetrics.CONTENT_TYPE,
              VllmMetrics.exposition(replica.model(), load()));
        }
      }
      case "/health" -> {
        if (!method.equals("GET")) {
          notAllowed(exchange, "GET");
        } else {
          LoopbackHttp.reply(exchange, 200, "text/plain", "");
        }
      }
      default ->
          LoopbackHttp.replyJson(
              exchange,
              404,
              error("not found: " + path + " (served: /v1/completions, /metrics, /health)"));
    }
  }

  private void complete(HttpExchange exchange) throws IOException {
    var body = LoopbackHttp.readBounded(exchange.getRequestBody());
    if (body.isEmpty()) {
      malformed(exchange, 413, "body larger than " + LoopbackHttp.MAX_BODY + " bytes");
      return;
    }
    var problem =
        CompletionRequests.problem(
            exchange.getRequestHeaders().getFirst("Content-Type"), body.get());
    if (problem.isPresent()) {
      malformed(exchange, problem.get().status(), problem.get().message());
      return;
    }
    long number;
    try {
      if (!admit()) {
        exchange.getResponseHeaders().set("Retry-After", "1");
        LoopbackHttp.replyJson(
            exchange,
            503,
            error(
                "the server is full: "
                    + settings.capacity()
                    + " requests running and "
                    + settings.maxWaiting()
                    + " waiting"));
        return;
      }
      try {
        Thread.sleep(replica.behaviour().serviceTime().orElse(settings.serviceTime()));
      } finally {
        number = finish();
      }
    } catch (InterruptedException e) {
      // The server is closing.
      Thread.currentThread().interrupt();
      return;
    }
    LoopbackHttp.replyJson(exchange, 200, completion(number));
  }

  /**
   * Takes a slot for a request, waiting for one in arrival order if every slot is taken; false when
   * the queue is full too.
   */
  private boolean admit() throws InterruptedException {
    lock.lock();
    try {
      var step = load.arrive();
      setLoad(step.load());
      switch (step.outcome()) {
        case RUNS -> {
          return true;
        }
        case REJECTED -> {
          return false;
        }
        case WAITS -> {
          long ticket = arrivals++;
          while (ticket >= handedOver) {
            slotHandedOver.await();
          }
          return true;
        }
      }
      throw new IllegalStateException("unknown outcome " + step.outcome());
    } finally {
      lock.unlock();
    }
  }

  /** Frees the request's slot, or hands it to the longest-waiting request; returns its number. */
  private long finish() {
    lock.lock();
    try {
      boolean someoneWaits = load.waiting() > 0;
      setLoad(load.finish());
      if (someoneWaits) {
        handedOver++;
        slotHandedOver.signalAll();
      }
      return ++completed;
    } finally {
      lock.unlock();
    }
  }

  /** Holding {@link #lock}: the queue changes now. */
  private void setLoad(ModelServerLoad next) {
    if (next.running() != load.running()) {
      busy = busy.running(System.nanoTime(), next.running());
    }
    load = next;
  }

  /** An OpenAI-style text completion: vLLM's shape, with a text that names the replica. */
  private Map<String, Object> completion(long number) {
    var choice = new LinkedHashMap<String, Object>();
    choice.put("index", 0);
    choice.put("text", "stand-in completion from " + replica.podName());
    choice.put("logprobs", null);
    choice.put("finish_reason", "length");
    var answer = new LinkedHashMap<String, Object>();
    answer.put("id", "cmpl-" + replica.podName() + "-" + number);
    answer.put("object", "text_completion");
    answer.put("created", clock.instant().getEpochSecond());
    answer.put("model", replica.model());
    answer.put("choices", List.of(choice));
    answer.put("usage", Map.of("prompt_tokens", 0, "completion_tokens", 1, "total_tokens", 1));
    return answer;
  }

  /**
   * A malformed request: a 4xx saying why, or, for a server that crashes on one, a 500 and the end
   * of serving, as a process that died on it.
   */
  private void malformed(HttpExchange exchange, int status, String why) throws IOException {
    if (!replica.behaviour().crashesOnMalformedInput()) {
      LoopbackHttp.replyJson(exchange, status, error(why));
      return;
    }
    crashed = true;
    LoopbackHttp.replyJson(exchange, 500, error("crashed on a malformed request: " + why));
    // The answer is out once the exchange is closed (closing again later does nothing); stopping
    // waits for this handler, so it happens on another thread.
    exchange.close();
    Thread.ofVirtual().start(() -> server.stop(0));
  }

  /** Whether a malformed request made it stop, as a crashed process. */
  public boolean crashed() {
    return crashed;
  }

  /**
   * How long it keeps serving once its pod goes: {@link StandInBehaviour#DRAIN_GRACE} for a server
   * that drains, none for one that stops at once.
   */
  @Override
  public Duration drainGrace() {
    return replica.behaviour().drains() ? StandInBehaviour.DRAIN_GRACE : Duration.ZERO;
  }

  private static Map<String, String> error(String message) {
    return Map.of("error", message);
  }

  private static void notAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    LoopbackHttp.replyJson(exchange, 405, error("only " + allowed));
  }

  /**
   * Stops listening; a server that drains first finishes the requests it holds (at most {@link
   * #MAX_DRAIN}), one that does not drops them, as a killed process does.
   */
  @Override
  public void close() {
    server.stop(replica.behaviour().drains() ? (int) MAX_DRAIN.toSeconds() : 0);
  }
}
