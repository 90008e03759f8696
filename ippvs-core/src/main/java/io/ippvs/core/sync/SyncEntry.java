package io.ippvs.core.sync;

import io.ippvs.api.Addresses;

/**
 * One connection or template as the sync protocol carries it: the fields of the kernel's
 * {@code struct ip_vs_sync_v4} / {@code struct ip_vs_sync_v6} and its options, in host form.
 * Mutable and reused: the decoder refills one instance for every entry of every datagram, the master
 * fills one per entry it writes, so neither allocates.
 *
 * <p>Addresses use the two-{@code long} form of {@link Addresses} (IPv4: high 0, low the unsigned
 * address). Unsigned wire fields are widened: {@code flags}, {@code fwmark} and {@code timeout}
 * are u32 in a {@code long}. PE data and name are copied into preallocated arrays.
 */
public final class SyncEntry {

    /** Longest PE data option the kernel accepts ({@code IP_VS_PEDATA_MAXLEN}). */
    public static final int PE_DATA_MAX = 255;
    /** Longest PE name the kernel accepts ({@code IP_VS_PENAME_MAXLEN}). */
    public static final int PE_NAME_MAX = 16;

    /** {@link Addresses#IPV4} or {@link Addresses#IPV6}. */
    public int family = Addresses.IPV4;
    /** IANA protocol number. */
    public int protocol;
    /** {@code IP_VS_CONN_F_*} bits (u32). */
    public long flags;
    /** Protocol state code (u16). */
    public int state;
    public int clientPort;
    public int virtualPort;
    public int destinationPort;
    /** Firewall mark (u32). */
    public long fwmark;
    /** Timeout in seconds (u32); 0: the backup uses the state's own. */
    public long timeout;
    public long clientHigh;
    public long clientLow;
    public long virtualHigh;
    public long virtualLow;
    public long destinationHigh;
    public long destinationLow;

    /** Whether the {@code IPVS_OPT_SEQ_DATA} option is present (the six fields below). */
    public boolean hasSequence;
    public int inInitSeq;
    public int inDelta;
    public int inPreviousDelta;
    public int outInitSeq;
    public int outDelta;
    public int outPreviousDelta;

    /** Bytes of the {@code IPVS_OPT_PE_DATA} option in {@link #peData}; 0 when absent. */
    public int peDataLength;
    public final byte[] peData = new byte[PE_DATA_MAX];
    /** Bytes of the {@code IPVS_OPT_PE_NAME} option in {@link #peName}; 0 when absent. */
    public int peNameLength;
    public final byte[] peName = new byte[PE_NAME_MAX];

    /** An IPv4 entry with every field zero. */
    public SyncEntry() {}

    /** Resets every field to the values of a new instance; returns this. */
    public SyncEntry clear() {
        family = Addresses.IPV4;
        protocol = state = clientPort = virtualPort = destinationPort = 0;
        flags = fwmark = timeout = 0;
        clientHigh = clientLow = virtualHigh = virtualLow = destinationHigh = destinationLow = 0;
        hasSequence = false;
        inInitSeq = inDelta = inPreviousDelta = outInitSeq = outDelta = outPreviousDelta = 0;
        peDataLength = peNameLength = 0;
        return this;
    }

    /** Copies every field of {@code o} into this one; returns this. */
    public SyncEntry copyFrom(SyncEntry o) {
        family = o.family;
        protocol = o.protocol;
        flags = o.flags;
        state = o.state;
        clientPort = o.clientPort;
        virtualPort = o.virtualPort;
        destinationPort = o.destinationPort;
        fwmark = o.fwmark;
        timeout = o.timeout;
        clientHigh = o.clientHigh;
        clientLow = o.clientLow;
        virtualHigh = o.virtualHigh;
        virtualLow = o.virtualLow;
        destinationHigh = o.destinationHigh;
        destinationLow = o.destinationLow;
        hasSequence = o.hasSequence;
        inInitSeq = o.inInitSeq;
        inDelta = o.inDelta;
        inPreviousDelta = o.inPreviousDelta;
        outInitSeq = o.outInitSeq;
        outDelta = o.outDelta;
        outPreviousDelta = o.outPreviousDelta;
        peDataLength = o.peDataLength;
        System.arraycopy(o.peData, 0, peData, 0, o.peDataLength);
        peNameLength = o.peNameLength;
        System.arraycopy(o.peName, 0, peName, 0, o.peNameLength);
        return this;
    }

    /** Whether the entry is a persistence template ({@code IP_VS_CONN_F_TEMPLATE}). */
    public boolean isTemplate() {
        return (flags & SyncProtocol.F_TEMPLATE) != 0;
    }

    /** The entry's encoded size without padding ({@code ver_size}'s low 12 bits). */
    public int encodedSize() {
        int len = family == Addresses.IPV6 ? SyncProtocol.V6_SIZE : SyncProtocol.V4_SIZE;
        if (hasSequence) {
            len += 2 + SyncProtocol.SEQ_OPTION_LENGTH;
        }
        if (peDataLength > 0) {
            len += 2 + peDataLength;
            if (peNameLength > 0) {
                len += 2 + peNameLength; // the kernel writes PE_NAME only after PE_DATA
            }
        }
        return len;
    }

    @Override
    public String toString() {
        return (isTemplate() ? "template " : "") + "proto " + protocol + " "
                + Addresses.format(family, clientHigh, clientLow) + ":" + clientPort + " -> "
                + Addresses.format(family, virtualHigh, virtualLow) + ":" + virtualPort + " -> "
                + Addresses.format(family, destinationHigh, destinationLow) + ":" + destinationPort
                + " state " + state + " flags 0x" + Long.toHexString(flags) + " timeout " + timeout
                + (fwmark != 0 ? " fwmark " + fwmark : "") + (hasSequence ? " seq" : "")
                + (peDataLength > 0 ? " pe " + peDataLength : "");
    }
}
