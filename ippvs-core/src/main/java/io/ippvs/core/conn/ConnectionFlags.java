package io.ippvs.core.conn;

/**
 * Connection flag bits, with the values Linux IPVS gives them ({@code IP_VS_CONN_F_*}), so the sync
 * codec can copy them to the wire unchanged.
 *
 * <p>{@link #TEMPLATE} and {@link #NO_CPORT} are owned by {@link ConnectionTable}: they are set at
 * insert and only the table changes them afterwards.
 */
public final class ConnectionFlags {

    /** Mask of the forwarding method bits (the low three). */
    public static final int FWD_MASK = 0x0007;
    /** Forwarding method: NAT (masquerading). */
    public static final int MASQ = 0x0000;
    /** Forwarding method: local node. */
    public static final int LOCALNODE = 0x0001;
    /** Forwarding method: tunnel. */
    public static final int TUNNEL = 0x0002;
    /** Forwarding method: direct routing. */
    public static final int DROUTE = 0x0003;
    /** Forwarding method: bypass. */
    public static final int BYPASS = 0x0004;
    /** The connection came from (or goes to) the sync protocol. */
    public static final int SYNC = 0x0020;
    /** No output packet seen yet: TCP uses the input-only rows of the state table. */
    public static final int NO_OUTPUT = 0x0080;
    /** Counted in the real server's InActConn rather than ActiveConn. */
    public static final int INACTIVE = 0x0100;
    /** Outbound sequence adjustment (FTP helper) is in use. */
    public static final int OUT_SEQ = 0x0200;
    /** Inbound sequence adjustment (FTP helper) is in use. */
    public static final int IN_SEQ = 0x0400;
    /** Client port not known yet (FTP expected data connection); bound by the first matching packet. */
    public static final int NO_CPORT = 0x0800;
    /** A persistence template rather than a connection. */
    public static final int TEMPLATE = 0x1000;
    /** One-packet scheduling (UDP): the entry is not kept. */
    public static final int ONE_PACKET = 0x2000;

    /** Flags only the table may change after insert. */
    static final int TABLE_OWNED = NO_CPORT | TEMPLATE;

    private ConnectionFlags() {}
}
