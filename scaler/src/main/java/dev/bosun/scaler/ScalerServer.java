package dev.bosun.scaler;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Bosun's KEDA external push scaler: the gRPC listener and the scrape loop, every {@code
 * scrapeInterval}. Runs in the router's process, which holds the requests it counts.
 */
public final class ScalerServer implements AutoCloseable {
  /** How long a value is reported after its pods or agents stopped answering: then an error. */
  public static final Duration STALENESS = Duration.ofSeconds(30);

  private final Server server;
  private final ScheduledExecutorService loop;
  private final ExecutorService threads;

  private ScalerServer(Server server, ScheduledExecutorService loop, ExecutorService threads) {
    this.server = server;
    this.loop = loop;
    this.threads = threads;
  }

  /**
   * Serves KEDA on {@code port} (0 picks a free one) for Workloads whose Ready pods {@code
   * readyPods} names, reading GPU utilisation from the node agents {@code agentsByNode} names (node
   * name → the agent's address).
   *
   * @throws IOException when it cannot listen
   */
  public static ScalerServer start(
      int port,
      Duration scrapeInterval,
      Function<WorkloadKey, List<ReadyPod>> readyPods,
      Supplier<Map<String, PodAddress>> agentsByNode,
      PodNetwork network,
      Demand demand,
      Consumer<String> log)
      throws IOException {
    return start(port, scrapeInterval, readyPods, agentsByNode, network, demand, STALENESS, log);
  }

  /** As above, reporting a last known value for {@code staleness} (tests shorten it). */
  static ScalerServer start(
      int port,
      Duration scrapeInterval,
      Function<WorkloadKey, List<ReadyPod>> readyPods,
      Supplier<Map<String, PodAddress>> agentsByNode,
      PodNetwork network,
      Demand demand,
      Duration staleness,
      Consumer<String> log)
      throws IOException {
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    Signals signals =
        new Signals(readyPods, agentsByNode, new Scraper(network), demand, staleness, threads);
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(port))
            .executor(threads)
            .addService(new ExternalScalerService(signals, demand))
            .build();
    try {
      server.start();
    } catch (IOException e) {
      threads.shutdownNow();
      throw new IOException("cannot serve the scaler on port " + port + ": " + e.getMessage(), e);
    }
    ScheduledExecutorService loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("bosun-scaler-scrape").unstarted(r));
    loop.scheduleWithFixedDelay(
        () -> {
          try {
            signals.tick();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            log.accept("scrape round failed: " + e); // the next round tries again
          }
        },
        scrapeInterval.toMillis(),
        scrapeInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    return new ScalerServer(server, loop, threads);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    loop.shutdownNow();
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) server.shutdownNow();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    threads.shutdownNow();
  }
}
