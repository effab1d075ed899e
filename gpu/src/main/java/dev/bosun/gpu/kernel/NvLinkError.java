package dev.bosun.gpu.kernel;

import java.util.List;

/**
 * The registers of an NVLink Xid 74: {@code NVLink: fatal error detected on link 14(0x0, 0x0,
 * 0x10000, 0x0, 0x0, 0x0, 0x0)}. NVIDIA's NVLink workflow reads them bit by bit.
 *
 * @param registers the values in the parenthesis, in order (the driver writes seven)
 */
public record NvLinkError(int link, List<Long> registers) {
  public NvLinkError {
    registers = List.copyOf(registers);
  }
}
