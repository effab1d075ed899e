package dev.bosun.operator.client;

import dev.bosun.api.v1alpha1.GateReport;

/** A promotion refused because a gate failed: the message names it with its evidence. */
public final class GatesFailed extends UserError {
  private final transient GateReport report;

  public GatesFailed(String message, GateReport report) {
    super(message);
    this.report = report;
  }

  public GateReport report() {
    return report;
  }
}
