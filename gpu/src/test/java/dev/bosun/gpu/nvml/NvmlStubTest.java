package dev.bosun.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.model.ClockEventReasons;
import dev.bosun.gpu.model.EccCounts;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.MemoryUsage;
import dev.bosun.gpu.model.MigMode;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.PciAddress;
import dev.bosun.gpu.model.RemappedRows;
import dev.bosun.gpu.model.Utilisation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The java.lang.foreign binding against a stub library built from {@code src/test/c/nvml-stub.c}
 * (types and layouts as in nvml.h): arguments, struct offsets, strings and the event path, without
 * a GPU. Skipped where there is no C compiler.
 */
class NvmlStubTest {

  static Path stub;

  @BeforeAll
  static void buildStub() throws IOException, InterruptedException {
    Path source = Path.of("src/test/c/nvml-stub.c").toAbsolutePath();
    Path out = Path.of("target/nvml-stub/libnvidia-ml-stub.so").toAbsolutePath();
    Files.createDirectories(out.getParent());
    Process cc;
    try {
      cc =
          new ProcessBuilder(
                  "cc", "-shared", "-fPIC", "-O1", "-o", out.toString(), source.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException noCompiler) {
      return;
    }
    String log = new String(cc.getInputStream().readAllBytes());
    if (cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0) stub = out;
    else throw new AssertionError("the NVML stub does not compile:\n" + log);
  }

  static Nvml open() {
    assumeTrue(stub != null, "no C compiler");
    Nvml.Opening o = Nvml.open(stub.toString());
    assertThat(o).isInstanceOf(Nvml.Opened.class);
    return ((Nvml.Opened) o).nvml();
  }

  @Test
  void readsEveryFieldThroughTheRealSignatures() {
    try (Nvml nvml = open()) {
      assertThat(nvml.driverVersion().value()).isEqualTo("580.159.04");
      assertThat(nvml.nvmlVersion().value()).isEqualTo("13.580.159.04");
      assertThat(nvml.cudaDriverVersion().value()).isEqualTo(13000);
      assertThat(nvml.deviceCount().value()).isEqualTo(2);

      Parsed<NodeSnapshot> parsed = nvml.snapshot(Instant.EPOCH);
      NodeSnapshot s = parsed.value().orElseThrow();
      assertThat(s.cudaVersion()).isEqualTo("13.0");
      assertThat(s.gpus()).hasSize(1); // device 1 is lost
      assertThat(parsed.problems()).singleElement().asString().contains("GPU_IS_LOST");
      GpuSample g = s.gpus().getFirst();
      assertThat(g.uuid()).isEqualTo("GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94");
      assertThat(g.identity().name()).isEqualTo("NVIDIA H100 80GB HBM3");
      assertThat(g.identity().pci()).isEqualTo(PciAddress.of("00000000:00:06.0"));
      assertThat(g.memory()).isEqualTo(new MemoryUsage(81559, 0, 81079));
      assertThat(g.utilisation()).isEqualTo(new Utilisation(42, 7));
      assertThat(g.temperatureCelsius()).isEqualTo(37);
      assertThat(g.powerWatts()).isEqualTo(70.547);
      assertThat(g.clockEventReasons()).isEqualTo(new ClockEventReasons(0x41));
      assertThat(g.ecc()).isEqualTo(new EccCounts(1, 2, 11, 12));
      assertThat(g.remappedRows()).isEqualTo(new RemappedRows(3, 5, true, false));
      assertThat(g.migMode()).isEqualTo(new MigMode(MigMode.State.DISABLED, MigMode.State.ENABLED));
    }
  }

  @Test
  void registersForXidAndDoubleBitEccAndReadsTheEvent() {
    try (Nvml nvml = open();
        Nvml.EventWatch watch = nvml.watchXidAndEcc()) {
      assertThat(watch.devicesWatched()).isEqualTo(1);
      assertThat(watch.problems()).singleElement().asString().contains("device 1");
      Reading<Optional<DriverFault>> first = watch.await(100);
      assertThat(first.ok()).isTrue();
      DriverFault f = first.value().orElseThrow();
      assertThat(f.xid()).isEqualTo(79);
      assertThat(f.origin()).isEqualTo(DriverFault.Origin.NVML_EVENT);
      assertThat(f.uuid()).isEqualTo("GPU-ca645fef-f4ff-3cdb-7d9f-2b8d1fcd0f94");
      assertThat(f.pci()).isEqualTo(PciAddress.of("0000:00:06.0"));
      assertThat(watch.await(100).value()).isEmpty(); // timeout
    }
  }
}
