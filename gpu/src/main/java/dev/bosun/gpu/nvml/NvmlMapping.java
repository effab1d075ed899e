package dev.bosun.gpu.nvml;

import dev.bosun.gpu.model.GpuIdentity;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.GpuSampleBuilder;
import dev.bosun.gpu.model.MigMode;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.PciAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Raw NVML readings to a {@link GpuSample}. Pure. Values no GPU can have (an unset buffer read back
 * as 4294967295 °C, used memory beyond the total) are dropped and counted as unparsed.
 */
public final class NvmlMapping {

  private static final Pattern UUID = Pattern.compile("(GPU|MIG)-[0-9A-Za-z-]{8,80}");
  private static final long MIB = 1024L * 1024L;

  private NvmlMapping() {}

  public static Parsed<GpuSample> toSample(NvmlDeviceReadings r) {
    List<String> problems = new ArrayList<>();
    String uuid = r.uuid().orNull();
    String name = r.name().orNull();
    Optional<PciAddress> pci =
        r.pciBusId().ok() ? PciAddress.parse(r.pciBusId().value()) : Optional.empty();
    if (uuid == null
        || !UUID.matcher(uuid).matches()
        || name == null
        || name.isBlank()
        || hasControl(name)) {
      return Parsed.failed(
          "NVML device "
              + r.index()
              + ": no usable UUID or name (status "
              + NvmlReturn.name(r.uuid().status())
              + ")");
    }
    GpuSampleBuilder b =
        new GpuSampleBuilder(new GpuIdentity(r.index(), uuid, name.strip(), pci.orElse(null)));
    if (r.pciBusId().ok() && pci.isEmpty())
      problems.add("PCI bus id '" + r.pciBusId().value() + "' unreadable");

    long[] mem = r.memoryBytes().orNull();
    if (mem != null && mem.length == 3) {
      if (mem[0] < 0 || mem[1] < 0 || mem[2] < 0) problems.add("memory beyond 2^63 bytes");
      else b.memoryMiB(mem[0] / MIB, mem[2] / MIB, mem[1] / MIB);
    }
    long[] util = r.utilisation().orNull();
    if (util != null && util.length == 2) b.utilisation(util[0], util[1]);
    b.temperatureCelsius(r.temperatureCelsius().orNull());
    Long mw = r.powerMilliwatts().orNull();
    if (mw != null) b.powerWatts(mw / 1000.0);
    b.clockEventReasons(r.clockEventReasons().orNull());
    long[] ecc = r.ecc().orNull();
    if (ecc != null && ecc.length == 4) b.ecc(ecc[0], ecc[1], ecc[2], ecc[3]);
    long[] rows = r.remappedRows().orNull();
    if (rows != null && rows.length == 4) {
      if (rows[2] > 1 || rows[3] > 1 || rows[2] < 0 || rows[3] < 0)
        problems.add("remapped rows flags " + rows[2] + "/" + rows[3]);
      else b.remappedRows(rows[0], rows[1], rows[2] == 1, rows[3] == 1);
    }
    long[] mig = r.migMode().orNull();
    if (mig != null && mig.length == 2) b.migMode(new MigMode(mig(mig[0]), mig(mig[1])));
    else if (r.migMode().status() == NvmlReturn.NOT_SUPPORTED) b.migMode(MigMode.NOT_SUPPORTED);
    for (String rejected : b.rejected()) problems.add("implausible " + rejected);
    return Parsed.of(b.build(), problems.size(), problems);
  }

  private static MigMode.State mig(long v) {
    return v == 1
        ? MigMode.State.ENABLED
        : v == 0 ? MigMode.State.DISABLED : MigMode.State.NOT_SUPPORTED;
  }

  private static boolean hasControl(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7F || c == 0xFFFD);
  }
}
