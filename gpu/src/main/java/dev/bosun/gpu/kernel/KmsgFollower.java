package dev.bosun.gpu.kernel;

import dev.bosun.gpu.model.PciAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Follows {@code /dev/kmsg} across restarts of the agent: records at or before the saved sequence
 * number are skipped (no fault twice), everything after it is read (no fault lost, as long as the
 * kernel still holds it; when it does not, the gap is counted).
 *
 * <p>The cursor is saved right after a fault has been handed to the sink, and whenever a new
 * PCI-to-UUID line is learned; other records only move it every {@link #SAVE_EVERY} records, since
 * re-reading them after a crash is harmless. A crash between the sink and the save can deliver that
 * one fault again (at least once); the sink can use the sequence number to drop it.
 */
public final class KmsgFollower {

  static final int SAVE_EVERY = 512;

  /**
   * Counts since this follower started; {@code unsavedCheckpoints} counts saves of the cursor that
   * failed (a full or read-only state disk), each retried at the next record.
   */
  public record Progress(
      long records, long skipped, long faults, long lost, long unparsed, long unsavedCheckpoints) {}

  private final KmsgRecordSource source;
  private final KmsgCursorStore store;
  private final KernelLogParser parser = new KernelLogParser();
  private final Consumer<DriverFault> sink;
  private KmsgCursor cursor;
  private long records, skipped, faults, lost, sinceSave, unsavedCheckpoints;

  public KmsgFollower(
      KmsgRecordSource source, KmsgCursorStore store, String bootId, Consumer<DriverFault> sink) {
    this.source = source;
    this.store = store;
    this.sink = sink;
    this.cursor = store.load(bootId);
    cursor.uuidByPci().forEach(parser::knowUuid);
  }

  /** Teaches the UUID of a GPU found through NVML, so that faults carry it from the first one. */
  public void knowUuid(PciAddress pci, String uuid) {
    parser.knowUuid(pci, uuid);
  }

  public KmsgCursor cursor() {
    return cursor;
  }

  /**
   * Reads until the source ends or {@code maxRecords} have been read; returns the totals so far.
   */
  public Progress pump(long maxRecords) throws IOException {
    for (long i = 0; i < maxRecords; i++) {
      KmsgRecordSource.Read read = source.next();
      if (read instanceof KmsgRecordSource.End) break;
      if (read instanceof KmsgRecordSource.Lost) {
        lost++;
        continue;
      }
      handle(((KmsgRecordSource.Record) read).text());
    }
    return progress();
  }

  /**
   * Saves the cursor now (on shutdown). A cursor that cannot be saved never stops the reading: the
   * faults were handed to the sink already, and the cost of a stale cursor is a fault delivered
   * twice after a restart, which the sink can drop by its sequence number.
   */
  public void checkpoint() {
    try {
      store.save(cursor);
      sinceSave = 0;
    } catch (UncheckedIOException e) {
      unsavedCheckpoints++;
    }
  }

  public Progress progress() {
    return new Progress(
        records, skipped, faults, lost, parser.counters().unparsed(), unsavedCheckpoints);
  }

  private void handle(String record) {
    records++;
    int newline = record.indexOf('\n');
    String head =
        newline < 0 ? record : record.substring(0, newline); // drop " KEY=value" dictionary lines
    Optional<KernelLine> line = KernelLine.parse(head);
    if (line.isEmpty() || line.get().sequence() == null) {
      parser.acceptLine(head); // counts it as unparsed
      return;
    }
    long seq = line.get().sequence();
    if (seq <= cursor.lastSequence()) {
      skipped++;
      return;
    }
    long uuidChangesBefore = parser.uuidChanges();
    List<DriverFault> found = parser.accept(line.get());
    for (DriverFault fault : found) sink.accept(fault);
    faults += found.size();
    boolean learned = parser.uuidChanges() != uuidChangesBefore;
    cursor = cursor.advancedTo(seq, learned ? parser.knownUuids() : cursor.uuidByPci());
    if (!found.isEmpty() || learned || ++sinceSave >= SAVE_EVERY) checkpoint();
  }
}
