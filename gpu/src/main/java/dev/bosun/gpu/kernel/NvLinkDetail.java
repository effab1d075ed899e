package dev.bosun.gpu.kernel;

import java.util.List;

/**
 * The decoded part of an NVLink5 Xid (144-150): {@code <subcode> <Fatal|Nonfatal> XC<n> i<n> Link
 * <n> (<hex registers>)}.
 */
public record NvLinkDetail(
    String subcode, boolean fatal, int xc, int instance, int link, List<String> registers) {
  public NvLinkDetail {
    registers = List.copyOf(registers);
  }
}
