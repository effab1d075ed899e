package dev.bosun.gpu.nvml;

/**
 * Everything read from NVML for one device, raw: unsigned values widened to {@code long}, bytes and
 * milliwatts as NVML gives them. {@link NvmlMapping} turns this into the model, so what to make of
 * absurd values is decided in plain Java and tested without a GPU.
 *
 * @param memoryBytes {@code nvmlMemory_t}: total, free, used
 * @param utilisation {@code nvmlUtilization_t}: gpu, memory (percent)
 * @param ecc volatile corrected, volatile uncorrected, aggregate corrected, aggregate uncorrected
 * @param remappedRows correctable, uncorrectable, pending (0/1), failure (0/1)
 * @param migMode current, pending (0 disabled, 1 enabled)
 */
public record NvmlDeviceReadings(
    int index,
    Reading<String> uuid,
    Reading<String> name,
    Reading<String> pciBusId,
    Reading<long[]> memoryBytes,
    Reading<long[]> utilisation,
    Reading<Long> temperatureCelsius,
    Reading<Long> powerMilliwatts,
    Reading<Long> clockEventReasons,
    Reading<long[]> ecc,
    Reading<long[]> remappedRows,
    Reading<long[]> migMode) {}
