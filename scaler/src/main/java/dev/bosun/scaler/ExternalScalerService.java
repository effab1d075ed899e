package dev.bosun.scaler;

import dev.bosun.scaler.externalscaler.ExternalScalerGrpc;
import dev.bosun.scaler.externalscaler.GetMetricSpecResponse;
import dev.bosun.scaler.externalscaler.GetMetricsRequest;
import dev.bosun.scaler.externalscaler.GetMetricsResponse;
import dev.bosun.scaler.externalscaler.IsActiveResponse;
import dev.bosun.scaler.externalscaler.MetricSpec;
import dev.bosun.scaler.externalscaler.MetricValue;
import dev.bosun.scaler.externalscaler.ScaledObjectRef;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * KEDA's external scaler service. Every call reads its trigger's metadata ({@link ScalerRequest});
 * bad metadata is INVALID_ARGUMENT naming the key. A signal that cannot be read is UNAVAILABLE
 * (KEDA keeps the replicas), never a 0. StreamIsActive sends the activity at once, then again
 * whenever it changes: after a scrape, or the moment the router holds a request.
 */
final class ExternalScalerService extends ExternalScalerGrpc.ExternalScalerImplBase {
  private final Signals signals;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

  ExternalScalerService(Signals signals, Demand demand) {
    this.signals = signals;
    signals.onScraped(this::changed);
    demand.onChange(this::changed);
  }

  @Override
  public void isActive(ScaledObjectRef ref, StreamObserver<IsActiveResponse> response) {
    answer(
        response,
        () -> {
          Signal.Report report = signals.report(request(ref));
          if (report instanceof Signal.Report.Unavailable(String why, boolean active) && !active) {
            throw Status.UNAVAILABLE.withDescription(why).asException();
          }
          return IsActiveResponse.newBuilder().setResult(report.active()).build();
        });
  }

  @Override
  public void getMetricSpec(ScaledObjectRef ref, StreamObserver<GetMetricSpecResponse> response) {
    answer(
        response,
        () -> {
          ScalerRequest request = request(ref);
          return GetMetricSpecResponse.newBuilder()
              .addMetricSpecs(
                  MetricSpec.newBuilder()
                      .setMetricName(request.metric().name())
                      .setTargetSize((long) Math.ceil(request.target()))
                      .setTargetSizeFloat(request.target()))
              .build();
        });
  }

  @Override
  public void getMetrics(GetMetricsRequest call, StreamObserver<GetMetricsResponse> response) {
    answer(
        response,
        () -> {
          ScalerRequest request = request(call.getScaledObjectRef());
          String name =
              call.getMetricName().isEmpty() ? request.metric().name() : call.getMetricName();
          return switch (signals.report(request)) {
            case Signal.Report.Unavailable(String why, boolean active) ->
                throw Status.UNAVAILABLE.withDescription(why).asException();
            case Signal.Report.Value(double value, boolean active) ->
                GetMetricsResponse.newBuilder()
                    .addMetricValues(
                        MetricValue.newBuilder()
                            .setMetricName(name)
                            .setMetricValue(Math.round(value))
                            .setMetricValueFloat(value))
                    .build();
          };
        });
  }

  @Override
  public void streamIsActive(ScaledObjectRef ref, StreamObserver<IsActiveResponse> response) {
    ScalerRequest request;
    try {
      request = request(ref);
    } catch (StatusException e) {
      response.onError(e);
      return;
    }
    Subscriber subscriber = new Subscriber(request, response);
    if (response instanceof ServerCallStreamObserver<IsActiveResponse> server) {
      server.setOnCancelHandler(() -> subscribers.remove(subscriber));
    }
    subscribers.add(subscriber);
    subscriber.push(signals);
  }

  private void changed(WorkloadKey workload) {
    for (Subscriber subscriber : subscribers) {
      if (subscriber.request.workload().equals(workload)) subscriber.push(signals);
    }
  }

  /** One open StreamIsActive: what it asks and the last activity it was sent. */
  private final class Subscriber {
    private final ScalerRequest request;
    private final StreamObserver<IsActiveResponse> stream;
    private Boolean sent;

    Subscriber(ScalerRequest request, StreamObserver<IsActiveResponse> stream) {
      this.request = request;
      this.stream = stream;
    }

    /**
     * Sends the activity when it changed. An unavailable signal with nothing held sends nothing:
     * KEDA keeps what it was last told rather than hearing "inactive".
     */
    synchronized void push(Signals signals) {
      Signal.Report report;
      try {
        report = signals.report(request);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (report instanceof Signal.Report.Unavailable && !report.active()) return;
      if (sent != null && sent == report.active()) return;
      try {
        stream.onNext(IsActiveResponse.newBuilder().setResult(report.active()).build());
        sent = report.active();
      } catch (RuntimeException e) {
        subscribers.remove(this); // cancelled under us: KEDA reconnects with a new stream
      }
    }
  }

  private interface Call<T> {
    T get() throws StatusException, InterruptedException;
  }

  private static <T> void answer(StreamObserver<T> response, Call<T> call) {
    T value;
    try {
      value = call.get();
    } catch (StatusException e) {
      response.onError(e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.withDescription("the scaler is stopping").asException());
      return;
    }
    response.onNext(value);
    response.onCompleted();
  }

  private static ScalerRequest request(ScaledObjectRef ref) throws StatusException {
    try {
      return ScalerRequest.parse(ref.getNamespace(), ref.getScalerMetadataMap());
    } catch (ScalerRequest.InvalidMetadata e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException();
    }
  }
}
