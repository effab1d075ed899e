package dev.bosun.agent;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.PciAddress;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The simulated hardware of one node, as files in {@code <agents>/<node>/}, so that whoever injects
 * a fault ({@code bosun dev fault}, a test, a benchmark) and the agent that watches the node need
 * not share a process:
 *
 * <ul>
 *   <li>{@value #KMSG}: the node's kernel log, one kmsg record a line ({@code
 *       priority,sequence,microseconds,-;message}): the agent follows it as it follows {@code
 *       /dev/kmsg}, through {@link FileRecordSource} and its cursor {@value #CURSOR};
 *   <li>{@value #STATE}: what the node's NVML returns (its GPUs, present or not, with their error
 *       counters) and the driver's state (its boot time, the next record's sequence number, the
 *       GPUs whose UUID it has announced). The agent's GPU source reads it again whenever it
 *       changes.
 *   <li>{@value #UTILISATION}: how busy each GPU is, in percent by GPU index, as whatever runs on
 *       it (a stand-in model server) reports; NVML's utilisation reads it. Telemetry, not a fault:
 *       a file that cannot be read leaves every GPU idle.
 * </ul>
 *
 * A fault is applied by {@link SimulatedGpuNode} itself, carried on from {@value #STATE}: the
 * records are the simulator's, in the driver's format. NVML's state is written first (atomically,
 * by renaming a new file over the old one) and the records after it, so that an agent woken by a
 * record samples the GPU as the record says. Injections into one node take a file lock in turn.
 */
public final class SimulatedNodeFiles {

  static final String KMSG = "kmsg";
  static final String CURSOR = "kmsg.cursor";
  static final String STATE = "node.json";
  static final String UTILISATION = "utilisation.json";
  private static final String LOCK = "lock";

  /** A Kubernetes node name (a DNS subdomain): safe as one path element. */
  private static final Pattern NODE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .registerModule(
              new SimpleModule()
                  .addSerializer(Instant.class, asString(Instant::toString))
                  .addDeserializer(Instant.class, fromString(Instant::parse))
                  .addSerializer(PciAddress.class, asString(PciAddress::toString))
                  .addDeserializer(PciAddress.class, fromString(PciAddress::of)));

  /** What one injection wrote: the records appended to the kernel log, and when. */
  public record Injection(
      String node, GpuIdentity gpu, SimulatedFault fault, List<String> records, Instant at) {}

  private final Path dir;
  private final String node;

  private SimulatedNodeFiles(Path dir, String node) {
    this.dir = dir;
    this.node = node;
  }

  /** Whether {@code node} could be a node's name (and so a directory of its own). */
  public static boolean isNodeName(String node) {
    return node != null && node.length() <= 253 && NODE_NAME.matcher(node).matches();
  }

  /** The files of {@code node} under {@code agents}, if a fleet has booted it there. */
  public static Optional<SimulatedNodeFiles> find(Path agents, String node) {
    if (!isNodeName(node)) return Optional.empty();
    Path dir = agents.resolve(node);
    return Files.isRegularFile(dir.resolve(STATE))
        ? Optional.of(new SimulatedNodeFiles(dir, node))
        : Optional.empty();
  }

  /**
   * Boots {@code node} with healthy {@code gpus}: a fresh state, an empty kernel log and no cursor.
   * A node's faults end with a reboot, and so they do when a fleet starts again.
   */
  static SimulatedNodeFiles boot(Path agents, String node, List<GpuIdentity> gpus, Instant bootedAt)
      throws IOException {
    if (!isNodeName(node)) throw new IllegalArgumentException("not a node name: " + node);
    SimulatedNodeFiles files = new SimulatedNodeFiles(agents.resolve(node), node);
    Files.createDirectories(files.dir);
    files.locked(
        () -> {
          files.writeState(SimulatedGpuNode.State.booted(bootedAt, gpus));
          Files.write(files.kmsg(), new byte[0]);
          Files.deleteIfExists(files.cursor());
          Files.deleteIfExists(files.utilisationFile());
          return null;
        });
    return files;
  }

  public String node() {
    return node;
  }

  public Path kmsg() {
    return dir.resolve(KMSG);
  }

  Path cursor() {
    return dir.resolve(CURSOR);
  }

  Path stateFile() {
    return dir.resolve(STATE);
  }

  Path utilisationFile() {
    return dir.resolve(UTILISATION);
  }

  /** The node's state as last written. */
  public SimulatedGpuNode.State state() throws IOException {
    return JSON.readValue(stateFile().toFile(), SimulatedGpuNode.State.class);
  }

  /**
   * Applies {@code fault} to GPU {@code gpu} at the clock's time: NVML's state first, then the
   * driver's records appended to the kernel log.
   *
   * @throws IllegalArgumentException when the node has no GPU {@code gpu}
   */
  public Injection inject(int gpu, SimulatedFault fault, Clock clock) throws IOException {
    return locked(
        () -> {
          SimulatedGpuNode.State before = state();
          if (gpu < 0 || gpu >= before.gpus().size())
            throw new IllegalArgumentException(
                "node " + node + " has GPUs 0 to " + (before.gpus().size() - 1) + ", not " + gpu);
          Instant at = clock.instant();
          // The seed varies what the driver's words carry (a DBE's address) from fault to fault.
          var sim = new SimulatedGpuNode(node, before, at.toEpochMilli());
          fault.applyTo(sim, gpu, at);
          writeState(sim.state());
          List<String> records = sim.kernelLog();
          if (!records.isEmpty()) {
            StringBuilder lines = new StringBuilder();
            records.forEach(r -> lines.append(r).append('\n'));
            Files.writeString(kmsg(), lines, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
          }
          return new Injection(node, before.gpus().get(gpu).identity(), fault, records, at);
        });
  }

  /**
   * Sets how busy GPU {@code gpu} is, in percent (0 to 100).
   *
   * @throws IllegalArgumentException when the node has no GPU {@code gpu} or the percent is not 0
   *     to 100
   */
  public void utilise(int gpu, int percent) throws IOException {
    if (percent < 0 || percent > 100)
      throw new IllegalArgumentException("utilisation must be 0 to 100 %, not " + percent);
    locked(
        () -> {
          int gpus = state().gpus().size();
          if (gpu < 0 || gpu >= gpus)
            throw new IllegalArgumentException(
                "node " + node + " has GPUs 0 to " + (gpus - 1) + ", not " + gpu);
          Map<Integer, Integer> next = new TreeMap<>(utilisation());
          next.put(gpu, percent);
          writeAtomically(utilisationFile(), next);
          return null;
        });
  }

  /**
   * How busy each GPU is, in percent by index, as last set; GPUs never set are idle, and so is
   * every GPU when the file cannot be read.
   */
  public Map<Integer, Integer> utilisation() {
    try {
      Map<Integer, Integer> read =
          JSON.readValue(utilisationFile().toFile(), new TypeReference<Map<Integer, Integer>>() {});
      Map<Integer, Integer> valid = new TreeMap<>();
      read.forEach(
          (gpu, percent) -> {
            if (gpu != null && percent != null && percent >= 0 && percent <= 100)
              valid.put(gpu, percent);
          });
      return Map.copyOf(valid);
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
  }

  private void writeState(SimulatedGpuNode.State state) throws IOException {
    writeAtomically(stateFile(), state);
  }

  /** By renaming a new file over the old one, so that a reader sees the old or the new. */
  private void writeAtomically(Path file, Object value) throws IOException {
    Path next = dir.resolve(file.getFileName() + ".next");
    JSON.writerWithDefaultPrettyPrinter().writeValue(next.toFile(), value);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
  }

  @FunctionalInterface
  private interface IoWork<T> {
    T run() throws IOException;
  }

  /** One writer at a time, across processes. */
  private <T> T locked(IoWork<T> work) throws IOException {
    try (FileChannel channel =
            FileChannel.open(
                dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      return work.run();
    }
  }

  private static <T> JsonSerializer<T> asString(Function<T, String> format) {
    return new JsonSerializer<>() {
      @Override
      public void serialize(T value, JsonGenerator gen, SerializerProvider serializers)
          throws IOException {
        gen.writeString(format.apply(value));
      }
    };
  }

  private static <T> JsonDeserializer<T> fromString(Function<String, T> parse) {
    return new JsonDeserializer<>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return parse.apply(p.getValueAsString());
      }
    };
  }
}
