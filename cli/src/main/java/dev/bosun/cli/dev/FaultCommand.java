package dev.bosun.cli.dev;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bosun.agent.SimulatedFault;
import dev.bosun.agent.SimulatedNodeFiles;
import dev.bosun.gpu.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bosun dev fault}: a GPU fault on a simulated node, written where the node's agent reads
 * (its kernel log and its NVML state, {@link SimulatedNodeFiles}), as the driver and the hardware
 * would. Prints what it wrote and when, to the millisecond, so that a benchmark can measure from
 * there.
 */
@Command(
    name = "fault",
    mixinStandardHelpOptions = true,
    description =
        "Inject a GPU fault on a simulated node (`bosun dev agents` must run): an Xid, a"
            + " double-bit ECC error or a fall off the bus, or clear one.")
public final class FaultCommand implements Callable<Integer> {

  /** ISO 8601 in UTC, always with milliseconds (Instant's own form drops a zero fraction). */
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Option(
      names = "--node",
      required = true,
      paramLabel = "NODE",
      description = "The simulated GPU node, as `kubectl get nodes` names it.")
  String node;

  @Option(
      names = "--gpu",
      required = true,
      paramLabel = "INDEX",
      description = "The GPU's index on the node: device gpu-INDEX of the node's ResourceSlice.")
  int gpu;

  @ArgGroup(multiplicity = "1")
  Kind kind;

  /** Exactly one of these. */
  static final class Kind {
    @Option(
        names = "--xid",
        paramLabel = "CODE",
        description = "Log this Xid (1 to 998) in the node's kernel log, as the driver does.")
    Integer xid;

    @Option(
        names = "--ecc",
        description = "An uncorrectable (double-bit) ECC error: NVML's counters and Xid 48.")
    boolean ecc;

    @Option(
        names = "--fall-off-bus",
        description = "The GPU falls off the bus: Xid 79 and the driver's report, gone from NVML.")
    boolean fallOffBus;

    @Option(
        names = "--clear",
        description =
            "Reset the GPU: back on the bus, volatile ECC counters zero. The agent calls it"
                + " healthy once the policy's recovery rules are met.")
    boolean clear;
  }

  @Option(
      names = {"-o", "--output"},
      defaultValue = "text",
      paramLabel = "FORMAT",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!output.equals("text") && !output.equals("json")) {
      err.println("--output: text or json, not " + output);
      return ExitCodes.INVALID_INPUT;
    }
    if (gpu < 0) {
      err.println("--gpu: a GPU index is 0 or more, not " + gpu);
      return ExitCodes.INVALID_INPUT;
    }
    SimulatedFault fault;
    try {
      fault = fault();
    } catch (IllegalArgumentException e) {
      err.println("--xid: " + e.getMessage());
      return ExitCodes.INVALID_INPUT;
    }
    Path agents = AgentsCommand.agentsDir();
    Optional<SimulatedNodeFiles> files = SimulatedNodeFiles.find(agents, node);
    if (files.isEmpty()) {
      err.println(
          "--node: "
              + node
              + " is not a simulated GPU node (nothing under "
              + agents
              + "): `bosun dev agents` runs the agents of the local cluster's GPU nodes");
      return ExitCodes.INVALID_INPUT;
    }
    int gpus = files.get().state().gpus().size();
    if (gpu >= gpus) {
      err.println("--gpu: node " + node + " has GPUs 0 to " + (gpus - 1) + ", not " + gpu);
      return ExitCodes.INVALID_INPUT;
    }
    var injected = files.get().inject(gpu, fault, Clock.systemUTC());
    if (output.equals("json")) out.println(json(injected, files.get().kmsg()));
    else print(out, injected, files.get().kmsg());
    return ExitCodes.OK;
  }

  private static String time(Instant at) {
    return MILLIS.format(at);
  }

  private SimulatedFault fault() {
    if (kind.xid != null) return new SimulatedFault.Xid(kind.xid);
    if (kind.ecc) return new SimulatedFault.DoubleBitEcc();
    if (kind.fallOffBus) return new SimulatedFault.FallOffTheBus();
    return new SimulatedFault.Clear();
  }

  private static void print(PrintWriter out, SimulatedNodeFiles.Injection injected, Path kmsg) {
    out.printf(
        "%s %s GPU %d (%s, %s): %s%n",
        time(injected.at()),
        injected.node(),
        injected.gpu().index(),
        injected.gpu().uuid(),
        injected.gpu().pci(),
        injected.fault().describe());
    if (injected.records().isEmpty()) out.println("  no kernel log record (NVML state only)");
    else out.println("  appended to " + kmsg + ":");
    injected.records().forEach(r -> out.println("  " + r));
  }

  private static String json(SimulatedNodeFiles.Injection injected, Path kmsg)
      throws JsonProcessingException {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("at", time(injected.at()));
    o.put("node", injected.node());
    o.put("gpu", injected.gpu().index());
    o.put("uuid", injected.gpu().uuid());
    o.put("pci", injected.gpu().pci().toString());
    o.put("fault", injected.fault().describe());
    o.put("kmsg", kmsg.toString());
    o.put("records", injected.records());
    return new ObjectMapper().writeValueAsString(o);
  }
}
