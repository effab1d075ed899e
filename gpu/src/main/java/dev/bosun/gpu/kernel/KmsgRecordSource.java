package dev.bosun.gpu.kernel;

import java.io.IOException;

/**
 * Kernel log records, one per call, the way {@code read(2)} on {@code /dev/kmsg} hands them out. A
 * fresh source starts at the oldest record the kernel still holds.
 */
public interface KmsgRecordSource extends AutoCloseable {

  /** What one read gave. */
  sealed interface Read permits Record, Lost, End {}

  /** One record, as text: {@code PRIORITY,SEQUENCE,TIMESTAMP_US,FLAGS;MESSAGE}. */
  record Record(String text) implements Read {}

  /**
   * The kernel overwrote records before we read them ({@code EPIPE}); reading goes on after the
   * gap.
   */
  record Lost() implements Read {}

  /** No more records (a file ran out, or a non-blocking source has nothing now). */
  record End() implements Read {}

  Read next() throws IOException;

  @Override
  void close() throws IOException;
}
