package dev.bosun.gpu.kernel;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code /dev/kmsg} itself. Every {@code read(2)} returns exactly one record, and a buffer smaller
 * than the record fails with {@code EINVAL}, so the buffer is larger than the kernel's record
 * limit. Reads block until the kernel logs something: run this on its own thread.
 */
public final class DevKmsgSource implements KmsgRecordSource {

  public static final Path DEV_KMSG = Path.of("/dev/kmsg");
  public static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
  private static final int BUFFER = 16 * 1024;

  private final InputStream in;
  private final byte[] buffer = new byte[BUFFER];

  public DevKmsgSource(Path device) throws IOException {
    this.in = new FileInputStream(device.toFile());
  }

  /** This boot's id, which tells a restart in the same boot from a reboot. */
  public static String currentBootId() {
    try {
      return Files.readString(BOOT_ID).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public Read next() throws IOException {
    int n;
    try {
      n = in.read(buffer);
    } catch (IOException e) {
      // EPIPE: the ring buffer wrapped past our position; the next read continues after the gap.
      if (String.valueOf(e.getMessage()).contains("Broken pipe")) return new Lost();
      throw e;
    }
    if (n < 0) return new End();
    int end = n;
    while (end > 0 && buffer[end - 1] == '\n') end--;
    return new Record(new String(buffer, 0, end, StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
