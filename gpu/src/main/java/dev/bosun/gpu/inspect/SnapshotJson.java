package dev.bosun.gpu.inspect;

import static dev.bosun.gpu.text.Json.number;
import static dev.bosun.gpu.text.Json.string;

import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.text.Json;
import java.util.Locale;

/** A node snapshot as JSON (hand-written: this module has no JSON library). */
public final class SnapshotJson {

  private SnapshotJson() {}

  public static String render(NodeSnapshot s, String source) {
    StringBuilder b = new StringBuilder(1024);
    b.append("{\n  \"source\": ")
        .append(string(source))
        .append(",\n  \"takenAt\": ")
        .append(string(s.takenAt() == null ? null : s.takenAt().toString()))
        .append(",\n  \"driverVersion\": ")
        .append(string(s.driverVersion()))
        .append(",\n  \"nvmlVersion\": ")
        .append(string(s.nvmlVersion()))
        .append(",\n  \"cudaVersion\": ")
        .append(string(s.cudaVersion()))
        .append(",\n  \"gpus\": [");
    boolean first = true;
    for (GpuSample g : s.gpus()) {
      b.append(first ? "\n" : ",\n");
      first = false;
      gpu(b, g);
    }
    b.append(first ? "]\n}\n" : "\n  ]\n}\n");
    return b.toString();
  }

  private static void gpu(StringBuilder b, GpuSample g) {
    b.append("    {\"index\": ")
        .append(g.identity().index())
        .append(", \"uuid\": ")
        .append(string(g.uuid()))
        .append(", \"name\": ")
        .append(string(g.identity().name()))
        .append(", \"pciBusId\": ")
        .append(string(g.identity().pci() == null ? null : g.identity().pci().nvmlForm()));
    if (g.memory() != null) {
      b.append(", \"memoryMiB\": {\"total\": ")
          .append(g.memory().totalMiB())
          .append(", \"used\": ")
          .append(g.memory().usedMiB())
          .append(", \"free\": ")
          .append(g.memory().freeMiB())
          .append('}');
    } else {
      b.append(", \"memoryMiB\": null");
    }
    if (g.utilisation() != null) {
      b.append(", \"utilisationPercent\": {\"gpu\": ")
          .append(g.utilisation().gpuPercent())
          .append(", \"memory\": ")
          .append(g.utilisation().memoryPercent())
          .append('}');
    } else {
      b.append(", \"utilisationPercent\": null");
    }
    b.append(", \"temperatureCelsius\": ")
        .append(number(g.temperatureCelsius()))
        .append(", \"powerWatts\": ")
        .append(number(g.powerWatts()));
    if (g.clockEventReasons() != null) {
      b.append(", \"clockEventReasons\": {\"bits\": ")
          .append(string(g.clockEventReasons().hex()))
          .append(", \"names\": [");
      b.append(
          String.join(", ", g.clockEventReasons().names().stream().map(Json::string).toList()));
      b.append("]}");
    } else {
      b.append(", \"clockEventReasons\": null");
    }
    if (g.ecc() != null) {
      b.append(", \"ecc\": {\"volatileCorrected\": ")
          .append(g.ecc().volatileCorrected())
          .append(", \"volatileUncorrected\": ")
          .append(g.ecc().volatileUncorrected())
          .append(", \"aggregateCorrected\": ")
          .append(g.ecc().aggregateCorrected())
          .append(", \"aggregateUncorrected\": ")
          .append(g.ecc().aggregateUncorrected())
          .append('}');
    } else {
      b.append(", \"ecc\": null");
    }
    if (g.remappedRows() != null) {
      b.append(", \"remappedRows\": {\"correctable\": ")
          .append(g.remappedRows().correctable())
          .append(", \"uncorrectable\": ")
          .append(g.remappedRows().uncorrectable())
          .append(", \"pending\": ")
          .append(g.remappedRows().pending())
          .append(", \"failure\": ")
          .append(g.remappedRows().failure())
          .append('}');
    } else {
      b.append(", \"remappedRows\": null");
    }
    b.append(", \"migMode\": ");
    if (g.migMode() == null) b.append("null");
    else
      b.append("{\"current\": ")
          .append(string(g.migMode().current().name().toLowerCase(Locale.ROOT)))
          .append(", \"pending\": ")
          .append(string(g.migMode().pending().name().toLowerCase(Locale.ROOT)))
          .append('}');
    b.append('}');
  }
}
