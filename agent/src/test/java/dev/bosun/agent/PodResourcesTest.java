package dev.bosun.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bosun.agent.podresources.ContainerDevices;
import dev.bosun.agent.podresources.ContainerResources;
import dev.bosun.agent.podresources.ListPodResourcesResponse;
import dev.bosun.agent.podresources.PodResources;
import dev.bosun.gpu.metrics.GpuHolder;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.ServerCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet's pod-resources API: the List call over a real gRPC server on a unix socket (the
 * messages' wire form both ways), and what the agent makes of the answer.
 */
class PodResourcesTest {

  static PodResources pod(String ns, String name, ContainerResources... containers) {
    return PodResources.newBuilder()
        .setNamespace(ns)
        .setName(name)
        .addAllContainers(List.of(containers))
        .build();
  }

  static ContainerResources container(String name, String resource, String... ids) {
    return ContainerResources.newBuilder()
        .setName(name)
        .addDevices(
            ContainerDevices.newBuilder().setResourceName(resource).addAllDeviceIds(List.of(ids)))
        .addCpuIds(3)
        .build();
  }

  static ListPodResourcesResponse list(PodResources... pods) {
    return ListPodResourcesResponse.newBuilder().addAllPodResources(List.of(pods)).build();
  }

  /** A stand-in kubelet: serves {@code answer} to List on a unix socket, counting the calls. */
  record Kubelet(Server server, EventLoopGroup events, AtomicInteger calls)
      implements AutoCloseable {
    static Kubelet serve(Path socket, ListPodResourcesResponse answer) throws Exception {
      var events = new EpollEventLoopGroup(1);
      var calls = new AtomicInteger();
      var service =
          ServerServiceDefinition.builder("v1.PodResourcesLister")
              .addMethod(
                  PodResourcesPoller.LIST,
                  ServerCalls.asyncUnaryCall(
                      (request, reply) -> {
                        calls.incrementAndGet();
                        reply.onNext(answer);
                        reply.onCompleted();
                      }))
              .build();
      Server server =
          NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
              .channelType(EpollServerDomainSocketChannel.class)
              .bossEventLoopGroup(events)
              .workerEventLoopGroup(events)
              .addService(service)
              .build()
              .start();
      return new Kubelet(server, events, calls);
    }

    @Override
    public void close() throws Exception {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      events.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void listOverAUnixSocketNamesEachGpusPodAndContainer(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve("kubelet.sock");
    var answer =
        list(
            pod("team-a", "trainer", container("main", "nvidia.com/gpu", "GPU-1", "GPU-2")),
            pod(
                "team-b",
                "server",
                container("model", "nvidia.com/gpu", "GPU-3"),
                container("sidecar", "example.com/nic", "nic-0")),
            pod("team-c", "web", container("app", "cpu-only")));
    try (var kubelet = Kubelet.serve(socket, answer);
        var poller = PodResourcesPoller.start(socket, _ -> {})) {
      assertThat(poller.listNow())
          .isEqualTo(
              Map.of(
                  "GPU-1", List.of(new GpuHolder("team-a", "trainer", "main")),
                  "GPU-2", List.of(new GpuHolder("team-a", "trainer", "main")),
                  "GPU-3", List.of(new GpuHolder("team-b", "server", "model"))));
      assertThat(poller.current()).isEqualTo(poller.listNow());
      assertThat(kubelet.calls().get()).isPositive();
    }
  }

  @Test
  void aKubeletThatIsNotThereIsSaidOnceAndNothingIsHeld(@TempDir Path dir) {
    List<String> log = new CopyOnWriteArrayList<>();
    try (var poller = PodResourcesPoller.start(dir.resolve("absent.sock"), log::add)) {
      assertThatThrownBy(poller::listNow)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      await().atMost(Duration.ofSeconds(10)).until(() -> !log.isEmpty());
      assertThat(log.getFirst()).contains("cannot list the pod resources at", "absent.sock");
      assertThat(poller.current()).isEmpty();
    }
  }

  @Test
  void timeSlicedReplicasAreTheirGpuHeldByEveryPodGivenOne() {
    var holders =
        PodResourcesAttribution.holders(
            list(
                pod("b", "p2", container("c", "nvidia.com/gpu", "GPU-7::1")),
                pod("a", "p1", container("c", "nvidia.com/gpu", "GPU-7::0", "GPU-7::2"))));
    assertThat(holders)
        .isEqualTo(
            Map.of("GPU-7", List.of(new GpuHolder("a", "p1", "c"), new GpuHolder("b", "p2", "c"))));
  }

  @Test
  void migInstancesAreKeyedByTheirOwnUuid() {
    var holders =
        PodResourcesAttribution.holders(
            list(pod("a", "p1", container("c", "nvidia.com/mig-1g.10gb", "MIG-abc"))));
    assertThat(holders).containsOnlyKeys("MIG-abc");
  }

  @Test
  void twoContainersOfOnePodOnOneGpuAreTwoHolders() {
    var holders =
        PodResourcesAttribution.holders(
            list(
                pod(
                    "a",
                    "p1",
                    container("x", "nvidia.com/gpu", "GPU-1"),
                    container("y", "nvidia.com/gpu", "GPU-1"))));
    assertThat(holders.get("GPU-1"))
        .containsExactly(new GpuHolder("a", "p1", "x"), new GpuHolder("a", "p1", "y"));
  }

  @Test
  void noPodsNoHolders() {
    assertThat(PodResourcesAttribution.holders(list())).isEmpty();
  }
}
