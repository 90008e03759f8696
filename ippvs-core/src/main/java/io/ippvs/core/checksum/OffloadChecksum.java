package io.ippvs.core.checksum;

import io.ippvs.api.Offload;
import java.nio.ByteBuffer;

/**
 * Completes a partial transport checksum ({@link Offload#checksumPartial()}) in software, as Linux's
 * {@code skb_checksum_help} does for a device that cannot: for a packet whose checksum no later
 * stage will finish (an ICMP error, a tunnel whose outer checksum covers the inner packet), or for
 * an I/O layer that writes to a device without checksum offload.
 */
public final class OffloadChecksum {

    private OffloadChecksum() {}

    /**
     * Sums {@code [start + checksumStart, end)}, whose checksum field holds the pseudo-header sum,
     * stores the complement in that field (0 as 0xFFFF, which means the same and keeps UDP's "no
     * checksum" out) and marks {@code offload} complete. Nothing happens when the checksum is not partial.
     *
     * @param start the packet's first byte (its IP header)
     * @param end the packet's end
     * @return false, having written nothing, when the field or the range lies outside {@code [start, end)}
     */
    public static boolean complete(ByteBuffer buffer, int start, int end, Offload offload) {
        if (offload == null || !offload.checksumPartial()) {
            return true;
        }
        int from = start + offload.checksumStart();
        int field = from + offload.checksumOffset();
        if (offload.checksumStart() < 0 || offload.checksumOffset() < 0 || field < from || field + 2 > end) {
            return false;
        }
        int sum = ~InternetChecksum.sum(buffer, from, end - from, 0) & 0xFFFF;
        buffer.putShort(field, (short) (sum == 0 ? 0xFFFF : sum));
        offload.checksumCompleted();
        return true;
    }
}
