package dev.bosun.agent;

import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.sim.SimulatedGpuNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A simulated node's NVML, read from its {@link SimulatedNodeFiles}: the state and utilisation
 * files are read again whenever they change (a fault injected, or load reported, from another
 * process), else each sample costs two {@code stat}s. A state that cannot be read is a failed read,
 * as NVML failing would be.
 *
 * <p>Used on the agent's loop only.
 */
final class SimulatedNodeSource implements GpuSource {

  /** The file as last read: a rename puts a new inode in place, a rewrite a new time. */
  private record Version(Object fileKey, FileTime modified) {}

  private final SimulatedNodeFiles files;
  private Version read;
  private Version utilisationRead;
  private SimulatedGpuNode node;

  SimulatedNodeSource(SimulatedNodeFiles files) {
    this.files = files;
  }

  @Override
  public String name() {
    return "simulated";
  }

  /** The file's version; null when there is none (no load was ever reported). */
  private static Version versionIfAny(Path file) throws IOException {
    try {
      return version(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static Version version(Path file) throws IOException {
    var attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return new Version(attributes.fileKey(), attributes.lastModifiedTime());
  }

  @Override
  public Parsed<NodeSnapshot> sample(Instant now) {
    try {
      var version = version(files.stateFile());
      var utilisation = versionIfAny(files.utilisationFile());
      if (!version.equals(read) || !Objects.equals(utilisation, utilisationRead)) {
        node = new SimulatedGpuNode(files.node(), files.state(), files.node().hashCode());
        int gpus = node.identities().size();
        files
            .utilisation()
            .forEach(
                (gpu, percent) -> {
                  if (gpu < gpus) node.load(gpu, percent, 0);
                });
        read = version;
        utilisationRead = utilisation;
      }
      return Parsed.of(node.snapshot(now), 0, List.of());
    } catch (IOException | RuntimeException e) {
      return Parsed.failed(
          "cannot read the simulated NVML state " + files.stateFile() + ": " + e.getMessage());
    }
  }
}
