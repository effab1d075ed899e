package dev.bosun.gpu.kernel;

/**
 * What a Xid line says beyond its code. Every field is optional ({@code null}): drivers write
 * {@code pid='<unknown>', name=<unknown>}, or leave pid and name out, and only some codes carry a
 * channel, a cause or NVLink registers.
 *
 * @param channel hex channel id without {@code 0x}, from {@code Ch 0000000a} or {@code channel
 *     0x0000000a}
 * @param causedByXid the code in "caused by previous Xid n"
 * @param location the SM location of a graphics exception, e.g. {@code GPC 1, TPC 0, SM 1}
 * @param nvlinkError the registers of a Xid 74
 * @param recoveryAction the recovery a Xid 154 says the GPU now needs, e.g. {@code Node Reboot
 *     Required} from {@code GPU recovery action changed from 0x0 (None) to 0x2 (Node Reboot
 *     Required)}
 */
public record XidDetail(
    Integer pid,
    String process,
    String channel,
    Integer causedByXid,
    String location,
    NvLinkDetail nvlink,
    NvLinkError nvlinkError,
    String recoveryAction) {
  public static final XidDetail NONE =
      new XidDetail(null, null, null, null, null, null, null, null);
}
