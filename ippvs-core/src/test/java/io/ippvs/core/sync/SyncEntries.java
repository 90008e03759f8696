package io.ippvs.core.sync;

import io.ippvs.api.Addresses;
import java.util.Random;

/** Random entries the kernel's checks accept: supported protocol and state, PE data only with a name. */
final class SyncEntries {

    private static final int[] PROTOCOLS = {6, 17, 132};

    private SyncEntries() {}

    static SyncEntry random(Random r) {
        SyncEntry e = new SyncEntry();
        e.family = r.nextBoolean() ? Addresses.IPV4 : Addresses.IPV6;
        boolean template = r.nextInt(4) == 0;
        e.protocol = template && r.nextInt(4) == 0 ? 0 : PROTOCOLS[r.nextInt(PROTOCOLS.length)];
        e.flags = (r.nextLong() & 0xFFFFFFFFL) & ~SyncProtocol.F_TEMPLATE
                | (template ? SyncProtocol.F_TEMPLATE : 0);
        e.state = template ? r.nextInt(0x10000) : r.nextInt(SyncProtocol.stateCount(e.protocol));
        e.clientPort = r.nextInt(0x10000);
        e.virtualPort = r.nextInt(0x10000);
        e.destinationPort = r.nextInt(0x10000);
        e.fwmark = r.nextLong() & 0xFFFFFFFFL;
        e.timeout = r.nextLong() & 0xFFFFFFFFL;
        if (e.family == Addresses.IPV6) {
            e.clientHigh = r.nextLong();
            e.virtualHigh = r.nextLong();
            e.destinationHigh = r.nextLong();
            e.clientLow = r.nextLong();
            e.virtualLow = r.nextLong();
            e.destinationLow = r.nextLong();
        } else {
            e.clientLow = r.nextLong() & 0xFFFFFFFFL;
            e.virtualLow = r.nextLong() & 0xFFFFFFFFL;
            e.destinationLow = r.nextLong() & 0xFFFFFFFFL;
        }
        if (r.nextBoolean()) {
            e.hasSequence = true;
            e.inInitSeq = r.nextInt();
            e.inDelta = r.nextInt();
            e.inPreviousDelta = r.nextInt();
            e.outInitSeq = r.nextInt();
            e.outDelta = r.nextInt();
            e.outPreviousDelta = r.nextInt();
        }
        if (r.nextInt(3) == 0) {
            e.peDataLength = 1 + r.nextInt(SyncEntry.PE_DATA_MAX);
            for (int i = 0; i < e.peDataLength; i++) {
                e.peData[i] = (byte) r.nextInt();
            }
            e.peNameLength = 1 + r.nextInt(SyncEntry.PE_NAME_MAX);
            for (int i = 0; i < e.peNameLength; i++) {
                e.peName[i] = (byte) ('a' + r.nextInt(26));
            }
        }
        return e;
    }
}
