package dev.bosun.agent;

import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

/**
 * A simulated node's NVML, read from its {@link SimulatedNodeFiles}: the state file is read again
 * whenever it changes (a fault injected from another process), else each sample costs one {@code
 * stat}. A state that cannot be read is a failed read, as NVML failing would be.
 *
 * <p>Used on the agent's loop only.
 */
final class SimulatedNodeSource implements GpuSource {

  /** The file as last read: a rename puts a new inode in place, a rewrite a new time. */
  private record Version(Object fileKey, FileTime modified) {}

  private final SimulatedNodeFiles files;
  private Version read;
  private SimulatedGpuNode node;

  SimulatedNodeSource(SimulatedNodeFiles files) {
    this.files = files;
  }

  @Override
  public String name() {
    return "simulated";
  }

  @Override
  public Parsed<NodeSnapshot> sample(Instant now) {
    try {
      var attributes = Files.readAttributes(files.stateFile(), BasicFileAttributes.class);
      var version = new Version(attributes.fileKey(), attributes.lastModifiedTime());
      if (!version.equals(read)) {
        node = new SimulatedGpuNode(files.node(), files.state(), files.node().hashCode());
        read = version;
      }
      return Parsed.of(node.snapshot(now), 0, List.of());
    } catch (IOException | RuntimeException e) {
      return Parsed.failed(
          "cannot read the simulated NVML state " + files.stateFile() + ": " + e.getMessage());
    }
  }
}
