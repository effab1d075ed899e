package dev.bosun.agent;

import dev.bosun.agent.podresources.ListPodResourcesRequest;
import dev.bosun.agent.podresources.ListPodResourcesResponse;
import dev.bosun.gpu.metrics.GpuHolder;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The device-plugin edge of {@link GpuHolders}: the kubelet's pod-resources API ({@code
 * v1.PodResourcesLister/List}, gRPC on a unix socket), called every {@link #POLL_EVERY} on a thread
 * of its own; {@link PodResourcesAttribution} (pure) reads the answer. The API has no watch: a List
 * is a local call the kubelet answers from memory, so polling costs little, and a GPU that changes
 * hands is labelled for its new pod within one period. An answer larger than {@link #MAX_RESPONSE}
 * is refused (a node of 110 pods answers in a few KiB). A kubelet that does not answer keeps what
 * was known, said once in the log.
 *
 * <p>One Netty event-loop thread for the channel, made only on a node that has the socket; the
 * socket's path is kept elsewhere ({@link AgentOptions#POD_RESOURCES_SOCKET}) so that a node
 * without it never loads this class, nor gRPC and Netty with it.
 */
final class PodResourcesPoller implements GpuHolders {

  static final Duration POLL_EVERY = Duration.ofSeconds(5);
  static final Duration DEADLINE = Duration.ofSeconds(10);
  static final int MAX_RESPONSE = 4 * 1024 * 1024;

  /** The one method the agent calls, described by hand (no generated stub). */
  static final MethodDescriptor<ListPodResourcesRequest, ListPodResourcesResponse> LIST =
      MethodDescriptor.<ListPodResourcesRequest, ListPodResourcesResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(
              MethodDescriptor.generateFullMethodName("v1.PodResourcesLister", "List"))
          .setRequestMarshaller(ProtoUtils.marshaller(ListPodResourcesRequest.getDefaultInstance()))
          .setResponseMarshaller(
              ProtoUtils.marshaller(ListPodResourcesResponse.getDefaultInstance()))
          .build();

  private final Path socket;
  private final Consumer<String> log;
  private final EventLoopGroup events;
  private final ManagedChannel channel;
  private final ScheduledExecutorService timer;
  private String problem; // the timer thread only
  private volatile Map<String, List<GpuHolder>> current = Map.of();

  private PodResourcesPoller(Path socket, Consumer<String> log) {
    this.socket = socket;
    this.log = log;
    this.events =
        new EpollEventLoopGroup(
            1, Thread.ofPlatform().daemon().name("bosun-agent-pod-resources-io").factory());
    this.channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .eventLoopGroup(events)
            .channelType(EpollDomainSocketChannel.class)
            .overrideAuthority("localhost")
            .usePlaintext()
            .maxInboundMessageSize(MAX_RESPONSE)
            .build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("bosun-agent-pod-resources").unstarted(r));
  }

  /** Asks the kubelet at {@code socket} now and then every {@link #POLL_EVERY}. */
  static PodResourcesPoller start(Path socket, Consumer<String> log) {
    PodResourcesPoller poller = new PodResourcesPoller(socket, log);
    poller.timer.scheduleWithFixedDelay(
        poller::poll, 0, POLL_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return poller;
  }

  /** One List, now (for tests and the first answer); what the kubelet said, by UUID. */
  Map<String, List<GpuHolder>> listNow() {
    ListPodResourcesResponse answer =
        ClientCalls.blockingUnaryCall(
            channel,
            LIST,
            CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
            ListPodResourcesRequest.getDefaultInstance());
    current = PodResourcesAttribution.holders(answer);
    return current;
  }

  private void poll() {
    try {
      listNow();
      if (problem != null) log.accept("reading the kubelet's pod resources again");
      problem = null;
    } catch (StatusRuntimeException e) {
      String now = e.getStatus().getCode() + " " + e.getStatus().getDescription();
      if (!now.equals(problem))
        log.accept(
            "cannot list the pod resources at "
                + socket
                + " ("
                + now
                + "); keeping the GPUs' holders as known");
      problem = now;
    }
  }

  @Override
  public Map<String, List<GpuHolder>> current() {
    return current;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    channel.shutdownNow();
    events.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
