package dev.bosun.operator;

import dev.bosun.api.v1alpha1.GpuNodeHealth;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agents' reports as an event source that also acts on a fault at once: each new or
 * changed report that names a fault has {@code onFault} called with its node's name on a virtual
 * thread, beside the reconciliation the same report wakes. Reports of a node that come before that
 * call starts are handled by it (it reads the cache, which holds the latest), so an agent that
 * rewrites its report in a loop costs one call at a time, not one per report.
 *
 * <p>Why: a reconciler runs one reconciliation of a primary at a time, and every GPU of the fleet
 * shares the GpuHealthPolicy (as every pod of a Workload shares the Workload), so a fault would
 * otherwise wait behind another GPU's recovery. What {@code onFault} does must be safe beside the
 * reconciliation (it takes the reconciler's lock) and may fail: the reconciliation does it anyway.
 */
final class FaultReports<P extends HasMetadata> extends InformerEventSource<GpuNodeHealth, P> {
  private static final Logger LOG = LoggerFactory.getLogger(FaultReports.class);

  private final OnUpdateFilter<? super GpuNodeHealth> changed;
  private final Consumer<String> onFault;
  private final Set<String> queued = ConcurrentHashMap.newKeySet();

  /**
   * @param configuration the informer's; its update filter (what the reconciler reads of a report,
   *     changed) decides for the prompt path too, and without one every update counts
   * @param onFault what to do about a node's report of a fault, given the node's name; runs off the
   *     informer's thread
   */
  FaultReports(
      InformerEventSourceConfiguration<GpuNodeHealth> configuration,
      EventSourceContext<P> context,
      Consumer<String> onFault) {
    super(configuration, context);
    this.changed =
        Objects.requireNonNullElse(
            configuration.getInformerConfig().getOnUpdateFilter(), (now, before) -> true);
    this.onFault = onFault;
  }

  @Override
  public void onAdd(GpuNodeHealth health) {
    super.onAdd(health);
    if (GpuGate.reportsFault(health)) {
      actOn(health);
    }
  }

  @Override
  public void onUpdate(GpuNodeHealth before, GpuNodeHealth health) {
    super.onUpdate(before, health);
    if (GpuGate.reportsFault(health) && changed.accept(health, before)) {
      actOn(health);
    }
  }

  private void actOn(GpuNodeHealth health) {
    String node = health.getMetadata().getName();
    if (!queued.add(node)) {
      return;
    }
    Thread.ofVirtual()
        .name("gpu-fault-" + node)
        .start(
            () -> {
              queued.remove(node);
              try {
                onFault.accept(node);
              } catch (RuntimeException e) {
                LOG.warn(
                    "Acting at once on the GPU report of node {} failed, left to the reconciliation: {}",
                    node,
                    e.getMessage());
              }
            });
  }
}
