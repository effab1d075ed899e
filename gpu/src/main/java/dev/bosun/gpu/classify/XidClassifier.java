package dev.bosun.gpu.classify;

import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.kernel.NvLinkDetail;
import dev.bosun.gpu.kernel.NvLinkError;
import dev.bosun.gpu.kernel.SwitchError;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Classifies driver faults: the catalog, then the context rules that need the GPU's recent Xids,
 * then the policy's overrides (which win). A pure function: the history goes in and a new history
 * comes out; the time is the caller's.
 */
public final class XidClassifier {

  /** The class, the action to take and why, in one sentence. */
  public record Verdict(FaultClass faultClass, String action, String reason) {}

  /** The verdict as a finding, and the history to pass to the next call. */
  public record Result(Verdict verdict, Finding finding, XidHistory history) {}

  private final XidCatalog catalog;
  private final GpuHealthPolicy policy;

  public XidClassifier(XidCatalog catalog, GpuHealthPolicy policy) {
    this.catalog = Objects.requireNonNull(catalog);
    this.policy = Objects.requireNonNull(policy);
  }

  public static XidClassifier withDefaults() {
    return new XidClassifier(XidCatalog.builtIn(), GpuHealthPolicy.defaults());
  }

  public GpuHealthPolicy policy() {
    return policy;
  }

  /** The same catalog under another policy. */
  public XidClassifier withPolicy(GpuHealthPolicy other) {
    return new XidClassifier(catalog, other);
  }

  public Result classify(DriverFault fault, XidHistory history, Instant now) {
    if (fault.fromSwitch()) {
      Verdict v = switchVerdict(fault);
      // the switch is no GPU: a finding without a GPU is the node's
      Finding f =
          new Finding(Signal.SXID, null, null, null, v.faultClass(), v.action(), v.reason(), now);
      return new Result(v, f, history);
    }
    String gpu = gpuKey(fault);
    if (fault.xid() == null) {
      Verdict v =
          new Verdict(
              FaultClass.NODE,
              "reboot the node (the GPU fell off the bus)",
              "GPU fell off the bus (no Xid)");
      return new Result(v, finding(fault, Signal.FELL_OFF_THE_BUS, v, now), history);
    }
    int code = fault.xid();
    List<XidHistory.Seen> before = history.on(gpu);
    Verdict verdict = overridden(code);
    if (verdict == null) verdict = inContext(fault, code, before, now);
    Duration keep =
        policy.repeatWindow().compareTo(policy.companionWindow()) > 0
            ? policy.repeatWindow()
            : policy.companionWindow();
    boolean secondary = fault.detail() != null && fault.detail().causedByXid() != null;
    String location = fault.detail() == null ? null : fault.detail().location();
    XidHistory next = history.with(gpu, new XidHistory.Seen(code, location, secondary, now), keep);
    return new Result(verdict, finding(fault, Signal.XID, verdict, now), next);
  }

  private Verdict switchVerdict(DriverFault fault) {
    SwitchError e = fault.sxid();
    XidCatalog.Entry row = catalog.sxid(e.sxid(), e.fatal());
    return from(
        row,
        "NVSwitch %s (nvidia-nvswitch%d) SXid %d %s%s (%s)"
            .formatted(
                fault.pci(),
                e.nvswitch(),
                e.sxid(),
                e.fatal() ? "Fatal" : "Non-fatal",
                e.link() == null ? "" : " on link " + e.link(),
                row.source()));
  }

  private Verdict overridden(int code) {
    FaultClass forced = policy.xidOverrides().get(code);
    if (forced == null) return null;
    XidCatalog.Entry entry = catalog.lookup(code);
    String action = entry.faultClass() == forced ? entry.action() : defaultAction(forced);
    return new Verdict(forced, action, "Xid " + code + ": class set by policy");
  }

  private Verdict inContext(
      DriverFault fault, int code, List<XidHistory.Seen> before, Instant now) {
    XidCatalog.Entry entry = catalog.lookup(code);
    Instant companionSince = now.minus(policy.companionWindow());

    if (code == 48 || code == 63 || code == 64) {
      boolean paired =
          code == 48
              ? seenWithin(before, companionSince, 63, 64)
              : seenWithin(before, companionSince, 48);
      if (paired) {
        return new Verdict(
            FaultClass.GPU,
            "drain the GPU's workloads, then reset the GPU",
            "Xid 48 (double-bit ECC) with 63/64 on the same GPU");
      }
    }
    if (code == 45) {
      for (XidHistory.Seen s : before) {
        if (s.code() != 45 && !s.at().isBefore(companionSince)) {
          return new Verdict(
              FaultClass.IGNORE,
              "follow Xid " + s.code(),
              "Xid 45 (preemptive cleanup) after Xid " + s.code() + " on the same GPU");
        }
      }
    }
    if (policy.repeatingCodes().contains(code)
        && (fault.detail() == null || fault.detail().causedByXid() == null)) {
      String location = fault.detail() == null ? null : fault.detail().location();
      Instant since = now.minus(policy.repeatWindow());
      long count =
          1
              + before.stream()
                  .filter(s -> s.code() == code && !s.secondary() && !s.at().isBefore(since))
                  .filter(
                      s ->
                          location == null || s.location() == null || location.equals(s.location()))
                  .count();
      if (count >= policy.repeatThreshold()) {
        return new Verdict(
            FaultClass.GPU,
            "reset the GPU and run diagnostics (hardware suspected)",
            "Xid %d seen %d times on one GPU%s within %s"
                .formatted(
                    code, count, location == null ? "" : " at " + location, policy.repeatWindow()));
      }
    }
    NvLinkError nvlinkError = fault.detail() == null ? null : fault.detail().nvlinkError();
    if (code == 74 && nvlinkError != null) {
      Optional<XidCatalog.Entry> bits = catalog.nvlinkError(nvlinkError);
      if (bits.isPresent())
        return from(
            bits.get(),
            "Xid 74 on link %d: every register bit set is one NVIDIA's NVLink workflow classes %s (%s)"
                .formatted(
                    nvlinkError.link(), bits.get().faultClass().wireName(), bits.get().source()));
    }
    if (code == 154) {
      String stated = fault.detail() == null ? null : fault.detail().recoveryAction();
      Optional<XidCatalog.Entry> rule =
          stated == null ? Optional.empty() : catalog.recoveryAction(stated);
      if (rule.isPresent())
        return from(
            rule.get(),
            "Xid 154: the driver asks for \"%s\" (%s)".formatted(stated, rule.get().source()));
    }
    NvLinkDetail nvlink = fault.detail() == null ? null : fault.detail().nvlink();
    if (code >= 144 && code <= 150 && nvlink != null) {
      String what =
          "Xid %d %s %s on link %d"
              .formatted(
                  code, nvlink.subcode(), nvlink.fatal() ? "Fatal" : "Nonfatal", nvlink.link());
      Optional<XidCatalog.Entry> row = catalog.nvlink5(code, nvlink);
      if (row.isPresent())
        return from(row.get(), what + ", decoded by NVIDIA's table (" + row.get().source() + ")");
      if (!nvlink.fatal())
        return new Verdict(
            FaultClass.IGNORE,
            "none (non-fatal NVLink5 error; watch for repeats)",
            what + ", not in NVIDIA's decode table");
      return from(entry, what + ", not in NVIDIA's decode table");
    }
    return from(
        entry, catalog.knows(code) ? "Xid " + code : "Xid " + code + " is not in the catalog");
  }

  /** The class and action a catalog row or rule gives, for the reason given. */
  private static Verdict from(XidCatalog.Entry row, String reason) {
    return new Verdict(row.faultClass(), row.action(), reason);
  }

  private static boolean seenWithin(List<XidHistory.Seen> before, Instant since, int... codes) {
    for (XidHistory.Seen s : before) {
      if (s.at().isBefore(since)) continue;
      for (int c : codes) if (s.code() == c) return true;
    }
    return false;
  }

  static String defaultAction(FaultClass cls) {
    return switch (cls) {
      case IGNORE -> "none";
      case APPLICATION -> "restart the application";
      case DEGRADED -> "none (degraded, not broken): watch cooling and power";
      case GPU -> "reset the GPU";
      case NODE -> "reboot the node";
      case SUPPORT -> XidCatalog.UNKNOWN_ACTION;
    };
  }

  private static String gpuKey(DriverFault fault) {
    if (fault.pci() != null) return fault.pci().toString();
    if (fault.uuid() != null) return fault.uuid();
    return "unknown";
  }

  private static Finding finding(DriverFault fault, Signal signal, Verdict v, Instant now) {
    return new Finding(
        signal,
        fault.uuid(),
        fault.pci(),
        fault.xid(),
        v.faultClass(),
        v.action(),
        v.reason(),
        now);
  }
}
