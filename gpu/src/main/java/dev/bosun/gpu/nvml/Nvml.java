package dev.bosun.gpu.nvml;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.bosun.gpu.kernel.DriverFault;
import dev.bosun.gpu.model.GpuSample;
import dev.bosun.gpu.model.NodeSnapshot;
import dev.bosun.gpu.model.Parsed;
import dev.bosun.gpu.model.PciAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NVML through {@code java.lang.foreign}: no JNI, no native code of ours. Signatures and struct
 * layouts follow {@code nvml.h}:
 *
 * <ul>
 *   <li>{@code nvmlMemory_t} = {total, free, used}: three {@code unsigned long long} (and v2,
 *       below)
 *   <li>{@code nvmlUtilization_t} = {gpu, memory}: two {@code unsigned int}
 *   <li>{@code nvmlEventData_t} = {device, eventType, eventData, gpuInstanceId, computeInstanceId}:
 *       pointer, two {@code unsigned long long}, two {@code unsigned int} (32 bytes)
 * </ul>
 *
 * The PCI bus id comes from {@code nvmlDeviceGetPciInfo_v3}'s {@code busId} only through {@code
 * nvmlPciInfo_t} = {busIdLegacy[16], domain, bus, device, pciDeviceId, pciSubSystemId, busId[32]}.
 *
 * <p>Opening never throws: without the library (no driver, a laptop, CI) the result says so. A
 * function the installed library lacks reads as FUNCTION_NOT_FOUND for that field only.
 */
public final class Nvml implements AutoCloseable {

  public static final String LIBRARY = "libnvidia-ml.so.1";

  /** The outcome of {@link #open()}. */
  public sealed interface Opening permits Opened, Unavailable {}

  public record Opened(Nvml nvml) implements Opening {}

  /**
   * No usable NVML; {@code reason} is one sentence for a person, {@code status} NVML's code when
   * NVML answered.
   */
  public record Unavailable(String reason, int status) implements Opening {}

  static final long EVENT_SINGLE_BIT_ECC = 0x1L;
  static final long EVENT_DOUBLE_BIT_ECC = 0x2L;
  static final long EVENT_XID_CRITICAL_ERROR = 0x8L;

  private static final int STRING_BUFFER =
      96; // NVML_DEVICE_UUID_V2_BUFFER_SIZE / NAME_V2; larger than the version buffers (80)
  private static final MemoryLayout PCI_INFO =
      MemoryLayout.structLayout(
          MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("busIdLegacy"),
          JAVA_INT.withName("domain"),
          JAVA_INT.withName("bus"),
          JAVA_INT.withName("device"),
          JAVA_INT.withName("pciDeviceId"),
          JAVA_INT.withName("pciSubSystemId"),
          MemoryLayout.sequenceLayout(32, ValueLayout.JAVA_BYTE).withName("busId"));
  private static final long PCI_BUS_ID_OFFSET =
      PCI_INFO.byteOffset(MemoryLayout.PathElement.groupElement("busId"));
  private static final MemoryLayout EVENT_DATA =
      MemoryLayout.structLayout(
          ADDRESS.withName("device"),
          JAVA_LONG.withName("eventType"),
          JAVA_LONG.withName("eventData"),
          JAVA_INT.withName("gpuInstanceId"),
          JAVA_INT.withName("computeInstanceId"));

  private final Arena arena;
  private final SymbolLookup lib;
  private final Linker linker = Linker.nativeLinker();
  private final Map<String, Optional<MethodHandle>> handles = new HashMap<>();
  private boolean closed;

  private Nvml(Arena arena, SymbolLookup lib) {
    this.arena = arena;
    this.lib = lib;
  }

  public static Opening open() {
    return open(LIBRARY);
  }

  /** Loads the library and calls {@code nvmlInit_v2}. */
  @SuppressWarnings(
      "restricted") // native access is this class's job; the JVM runs with --enable-native-access
  public static Opening open(String library) {
    Arena arena = Arena.ofShared();
    SymbolLookup lib;
    try {
      lib = SymbolLookup.libraryLookup(library, arena);
    } catch (IllegalArgumentException | IllegalCallerException e) {
      arena.close();
      return new Unavailable(
          library
              + " not found: no NVIDIA driver on this machine, or the library is not "
              + "on the loader path",
          NvmlReturn.LIBRARY_NOT_FOUND);
    }
    Nvml nvml = new Nvml(arena, lib);
    int status = nvml.call("nvmlInit_v2", FunctionDescriptor.of(JAVA_INT));
    if (status != NvmlReturn.SUCCESS) {
      arena.close();
      return new Unavailable("nvmlInit_v2 failed: " + NvmlReturn.name(status), status);
    }
    return new Opened(nvml);
  }

  public Reading<String> driverVersion() {
    return systemString("nvmlSystemGetDriverVersion");
  }

  public Reading<String> nvmlVersion() {
    return systemString("nvmlSystemGetNVMLVersion");
  }

  /** CUDA version the driver supports, as NVML's integer (13000 for 13.0). */
  public Reading<Integer> cudaDriverVersion() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      int st =
          call("nvmlSystemGetCudaDriverVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS), out);
      if (st == NvmlReturn.FUNCTION_NOT_FOUND) {
        st = call("nvmlSystemGetCudaDriverVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS), out);
      }
      return st == 0 ? Reading.ok(out.get(JAVA_INT, 0)) : Reading.failed(st);
    }
  }

  public Reading<Integer> deviceCount() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      int st = call("nvmlDeviceGetCount_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS), out);
      return st == 0 ? Reading.ok(out.get(JAVA_INT, 0)) : Reading.failed(st);
    }
  }

  /** One device, read field by field; a field that fails keeps its status and the rest go on. */
  public NvmlDeviceReadings read(int index) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment handleOut = a.allocate(ADDRESS);
      int st =
          call(
              "nvmlDeviceGetHandleByIndex_v2",
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS),
              index,
              handleOut);
      if (st != 0) {
        Reading<String> f = Reading.failed(st);
        return new NvmlDeviceReadings(
            index,
            f,
            f,
            f,
            Reading.failed(st),
            Reading.failed(st),
            Reading.failed(st),
            Reading.failed(st),
            Reading.failed(st),
            Reading.failed(st),
            Reading.failed(st),
            Reading.failed(st));
      }
      MemorySegment dev = handleOut.get(ADDRESS, 0);
      return new NvmlDeviceReadings(
          index,
          deviceString(dev, "nvmlDeviceGetUUID"),
          deviceString(dev, "nvmlDeviceGetName"),
          pciBusId(dev),
          memory(dev),
          unsignedInts(dev, "nvmlDeviceGetUtilizationRates", 2),
          temperature(dev),
          unsignedInt(dev, "nvmlDeviceGetPowerUsage"),
          clockEventReasons(dev),
          ecc(dev),
          remappedRows(dev),
          migMode(dev));
    }
  }

  /**
   * Every device as a snapshot; per-device problems (absurd values, a lost GPU) are counted, not
   * thrown.
   */
  public Parsed<NodeSnapshot> snapshot(Instant now) {
    Reading<Integer> count = deviceCount();
    if (!count.ok())
      return Parsed.failed("nvmlDeviceGetCount_v2: " + NvmlReturn.name(count.status()));
    List<GpuSample> gpus = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    long unparsed = 0;
    for (int i = 0; i < count.value(); i++) {
      Parsed<GpuSample> g = NvmlMapping.toSample(read(i));
      g.value().ifPresent(gpus::add);
      unparsed += g.unparsed();
      problems.addAll(g.problems());
    }
    Reading<Integer> cuda = cudaDriverVersion();
    return Parsed.of(
        new NodeSnapshot(
            now,
            driverVersion().orNull(),
            nvmlVersion().orNull(),
            cuda.ok() ? NodeSnapshot.cudaVersionOf(cuda.value()) : null,
            gpus),
        unparsed,
        problems);
  }

  /**
   * Registers every device for Xid and double-bit ECC events (those it supports) and returns a
   * watch to wait on. The watch belongs to this Nvml and is freed by {@link EventWatch#close()}.
   */
  public EventWatch watchXidAndEcc() {
    MemorySegment setOut = arena.allocate(ADDRESS);
    int st = call("nvmlEventSetCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS), setOut);
    if (st != 0)
      return new EventWatch(null, Map.of(), List.of("nvmlEventSetCreate: " + NvmlReturn.name(st)));
    MemorySegment set = setOut.get(ADDRESS, 0);
    Map<Long, DeviceKey> devices = new HashMap<>();
    List<String> problems = new ArrayList<>();
    int n = deviceCount().ok() ? deviceCount().value() : 0;
    try (Arena a = Arena.ofConfined()) {
      for (int i = 0; i < n; i++) {
        MemorySegment handleOut = a.allocate(ADDRESS);
        if (call(
                "nvmlDeviceGetHandleByIndex_v2",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS),
                i,
                handleOut)
            != 0) continue;
        MemorySegment dev = handleOut.get(ADDRESS, 0);
        MemorySegment supported = a.allocate(JAVA_LONG);
        long wanted = EVENT_XID_CRITICAL_ERROR | EVENT_DOUBLE_BIT_ECC;
        if (call(
                "nvmlDeviceGetSupportedEventTypes",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
                dev,
                supported)
            == 0) {
          wanted &= supported.get(JAVA_LONG, 0);
        }
        int reg =
            call(
                "nvmlDeviceRegisterEvents",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS),
                dev,
                wanted,
                set);
        if (reg != 0) {
          problems.add("device " + i + ": nvmlDeviceRegisterEvents " + NvmlReturn.name(reg));
          continue;
        }
        Reading<String> busId = pciBusId(dev);
        devices.put(
            dev.address(),
            new DeviceKey(
                i,
                deviceString(dev, "nvmlDeviceGetUUID").orNull(),
                busId.ok() ? PciAddress.parse(busId.value()).orElse(null) : null));
      }
    }
    return new EventWatch(set, devices, problems);
  }

  record DeviceKey(int index, String uuid, PciAddress pci) {}

  /** Registered NVML events. Not thread-safe: one thread waits. */
  public final class EventWatch implements AutoCloseable {
    private final MemorySegment set;
    private final Map<Long, DeviceKey> devices;
    private final List<String> problems;

    private EventWatch(MemorySegment set, Map<Long, DeviceKey> devices, List<String> problems) {
      this.set = set;
      this.devices = Map.copyOf(devices);
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }

    public int devicesWatched() {
      return devices.size();
    }

    /**
     * Waits up to {@code timeoutMillis} for one event. A Xid event becomes a fault with its code; a
     * double-bit ECC event is reported as Xid 48, which is what the driver logs for it. Empty on
     * timeout.
     */
    public Reading<Optional<DriverFault>> await(int timeoutMillis) {
      if (set == null) return Reading.failed(NvmlReturn.UNINITIALIZED);
      try (Arena a = Arena.ofConfined()) {
        MemorySegment data = a.allocate(EVENT_DATA);
        int st =
            call(
                "nvmlEventSetWait_v2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT),
                set,
                data,
                timeoutMillis);
        if (st == NvmlReturn.TIMEOUT) return Reading.ok(Optional.empty());
        if (st != 0) return Reading.failed(st);
        long device = data.get(ADDRESS, 0).address();
        long type = data.get(JAVA_LONG, 8);
        long payload = data.get(JAVA_LONG, 16);
        DeviceKey key = devices.get(device);
        PciAddress pci = key == null ? null : key.pci();
        String uuid = key == null ? null : key.uuid();
        if ((type & EVENT_XID_CRITICAL_ERROR) != 0) {
          // eventData is the Xid; 999 means NVML did not know it.
          int xid = payload > 0 && payload < 100_000 ? (int) payload : 999;
          return Reading.ok(Optional.of(DriverFault.ofNvmlEvent(pci, uuid, xid, "Xid " + xid)));
        }
        if ((type & EVENT_DOUBLE_BIT_ECC) != 0) {
          return Reading.ok(
              Optional.of(DriverFault.ofNvmlEvent(pci, uuid, 48, "double-bit ECC error")));
        }
        return Reading.ok(Optional.empty());
      }
    }

    @Override
    public void close() {
      if (set != null && !closed)
        call("nvmlEventSetFree", FunctionDescriptor.of(JAVA_INT, ADDRESS), set);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    call("nvmlShutdown", FunctionDescriptor.of(JAVA_INT));
    closed = true;
    arena.close();
  }

  // --- calls ---------------------------------------------------------------------------------

  private Reading<String> systemString(String function) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(STRING_BUFFER);
      int st =
          call(function, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), buf, STRING_BUFFER);
      return st == 0 ? Reading.ok(buf.getString(0)) : Reading.failed(st);
    }
  }

  private Reading<String> deviceString(MemorySegment dev, String function) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(STRING_BUFFER);
      int st =
          call(
              function,
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT),
              dev,
              buf,
              STRING_BUFFER);
      return st == 0 ? Reading.ok(buf.getString(0)) : Reading.failed(st);
    }
  }

  private Reading<String> pciBusId(MemorySegment dev) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment info = a.allocate(PCI_INFO);
      int st =
          call(
              "nvmlDeviceGetPciInfo_v3",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
              dev,
              info);
      return st == 0
          ? Reading.ok(info.asSlice(PCI_BUS_ID_OFFSET, 32).getString(0))
          : Reading.failed(st);
    }
  }

  private Reading<Long> temperature(MemorySegment dev) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      int st =
          call(
              "nvmlDeviceGetTemperature",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS),
              dev,
              0 /* NVML_TEMPERATURE_GPU */,
              out);
      return st == 0
          ? Reading.ok(Integer.toUnsignedLong(out.get(JAVA_INT, 0)))
          : Reading.failed(st);
    }
  }

  private Reading<Long> unsignedInt(MemorySegment dev, String function) {
    Reading<long[]> r = unsignedInts(dev, function, 1);
    return r.ok() ? Reading.ok(r.value()[0]) : Reading.failed(r.status());
  }

  /** A function filling a struct of {@code n} unsigned ints (or one out-parameter). */
  private Reading<long[]> unsignedInts(MemorySegment dev, String function, int n) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT, n);
      int st = call(function, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), dev, out);
      return st == 0 ? Reading.ok(unsigned(out, n)) : Reading.failed(st);
    }
  }

  /** A function filling a struct of {@code n} unsigned long longs (or one out-parameter). */
  private Reading<long[]> unsignedLongs(MemorySegment dev, String function, int n) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_LONG, n);
      int st = call(function, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), dev, out);
      if (st != 0) return Reading.failed(st);
      long[] v = new long[n];
      for (int i = 0; i < n; i++) v[i] = out.getAtIndex(JAVA_LONG, i);
      return Reading.ok(v);
    }
  }

  /** The 550+ name first; drivers before it only have the "throttle reasons" one (same bitmask). */
  private Reading<Long> clockEventReasons(MemorySegment dev) {
    Reading<long[]> r = unsignedLongs(dev, "nvmlDeviceGetCurrentClocksEventReasons", 1);
    if (r.status() == NvmlReturn.FUNCTION_NOT_FOUND)
      r = unsignedLongs(dev, "nvmlDeviceGetCurrentClocksThrottleReasons", 1);
    return first(r);
  }

  private static Reading<Long> first(Reading<long[]> r) {
    return r.ok() ? Reading.ok(r.value()[0]) : Reading.failed(r.status());
  }

  /**
   * {total, free, used} in bytes. {@code nvmlDeviceGetMemoryInfo_v2} first: its {@code used} leaves
   * out the memory the driver reserves, as nvidia-smi's does; v1's includes it. {@code
   * nvmlMemory_v2_t} = {version (uint), total, reserved, free, used (ull)}: 40 bytes, version word
   * {@code sizeof | 2 << 24}.
   */
  private Reading<long[]> memory(MemorySegment dev) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v2 = a.allocate(40, 8);
      v2.set(JAVA_INT, 0, 40 | (2 << 24));
      int st =
          call(
              "nvmlDeviceGetMemoryInfo_v2",
              FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
              dev,
              v2);
      if (st == 0)
        return Reading.ok(
            new long[] {v2.get(JAVA_LONG, 8), v2.get(JAVA_LONG, 24), v2.get(JAVA_LONG, 32)});
    }
    return unsignedLongs(dev, "nvmlDeviceGetMemoryInfo", 3);
  }

  private Reading<long[]> ecc(MemorySegment dev) {
    long[] v = new long[4];
    int[][] kinds = {
      {0, 0}, {1, 0}, {0, 1}, {1, 1}
    }; // {errorType corrected/uncorrected, counterType volatile/aggregate}
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_LONG);
      for (int i = 0; i < 4; i++) {
        int st =
            call(
                "nvmlDeviceGetTotalEccErrors",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
                dev,
                kinds[i][0],
                kinds[i][1],
                out);
        if (st != 0) return Reading.failed(st);
        v[i] = out.get(JAVA_LONG, 0);
      }
    }
    return Reading.ok(v);
  }

  private Reading<long[]> remappedRows(MemorySegment dev) {
    return unsignedIntOutParameters(dev, "nvmlDeviceGetRemappedRows", 4);
  }

  private Reading<long[]> migMode(MemorySegment dev) {
    return unsignedIntOutParameters(dev, "nvmlDeviceGetMigMode", 2);
  }

  /** A function with {@code n} unsigned int out-parameters after the device, each its own. */
  private Reading<long[]> unsignedIntOutParameters(MemorySegment dev, String function, int n) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT, n);
      MemoryLayout[] parameters = new MemoryLayout[n + 1];
      Arrays.fill(parameters, ADDRESS);
      Object[] arguments = new Object[n + 1];
      arguments[0] = dev;
      for (int i = 0; i < n; i++) {
        arguments[i + 1] = out.asSlice(JAVA_INT.byteSize() * i, JAVA_INT.byteSize());
      }
      int st = call(function, FunctionDescriptor.of(JAVA_INT, parameters), arguments);
      return st == 0 ? Reading.ok(unsigned(out, n)) : Reading.failed(st);
    }
  }

  private static long[] unsigned(MemorySegment ints, int n) {
    long[] v = new long[n];
    for (int i = 0; i < n; i++) v[i] = Integer.toUnsignedLong(ints.getAtIndex(JAVA_INT, i));
    return v;
  }

  /**
   * Calls an NVML function returning {@code nvmlReturn_t}; a missing symbol reads as
   * FUNCTION_NOT_FOUND.
   */
  @SuppressWarnings("restricted")
  private int call(String function, FunctionDescriptor descriptor, Object... args) {
    Optional<MethodHandle> handle;
    synchronized (handles) {
      handle =
          handles.computeIfAbsent(
              function, f -> lib.find(f).map(addr -> linker.downcallHandle(addr, descriptor)));
    }
    if (handle.isEmpty()) return NvmlReturn.FUNCTION_NOT_FOUND;
    try {
      return (int) handle.get().invokeWithArguments(args);
    } catch (Throwable t) { // a wrong-type argument is our bug; report it as an NVML-level failure
      return NvmlReturn.UNKNOWN;
    }
  }
}
