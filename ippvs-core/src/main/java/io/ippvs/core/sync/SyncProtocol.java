package io.ippvs.core.sync;

/**
 * Constants of the Linux IPVS sync protocol (net/netfilter/ipvs/ip_vs_sync.c), version 1, and the
 * version-0 layout the kernel still accepts.
 *
 * <pre>
 * struct ip_vs_sync_mesg (version 1 header, 8 bytes)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   reserved 0  |    SyncID     |            Size               |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Count Conns  |  Version 1    |        spare, zero            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * struct ip_vs_sync_v4 (36 bytes) / ip_vs_sync_v6 (72 bytes), each entry 4-byte aligned
 *  |    Type       |    Protocol   | Ver.  |        Size           |
 *  |                             Flags                             |
 *  |            State              |         cport                 |
 *  |            vport              |         dport                 |
 *  |                             fwmark                            |
 *  |                             timeout  (in sec.)                |
 *  |          caddr, vaddr, daddr (4 or 16 bytes each)             |
 *  | Param. Type   | Param. Length |   Param. data ...             |
 * </pre>
 */
public final class SyncProtocol {

    /** The kernel's default multicast group, 224.0.0.81 ({@code IP_VS_SYNC_GROUP}). */
    public static final String DEFAULT_GROUP = "224.0.0.81";
    /** The kernel's default port ({@code IP_VS_SYNC_PORT}). */
    public static final int DEFAULT_PORT = 8848;
    /** {@code SYNC_PROTO_VER}. */
    public static final int VERSION = 1;

    /** {@code sizeof(struct ip_vs_sync_mesg)}. */
    public static final int HEADER_SIZE = 8;
    /** {@code sizeof(struct ip_vs_sync_mesg_v0)}: shorter datagrams are dropped. */
    public static final int HEADER_V0_SIZE = 4;
    /** {@code sizeof(struct ip_vs_sync_v4)}. */
    public static final int V4_SIZE = 36;
    /** {@code sizeof(struct ip_vs_sync_v6)}. */
    public static final int V6_SIZE = 72;
    /** {@code sizeof(struct ip_vs_sync_conn_options)}: two {@code struct ip_vs_seq} of three u32. */
    public static final int SEQ_OPTION_LENGTH = 24;
    /** {@code SIMPLE_CONN_SIZE}: {@code sizeof(struct ip_vs_sync_conn_v0)}. */
    public static final int V0_CONN_SIZE = 24;
    /** {@code FULL_CONN_SIZE}: a version-0 entry with sequence options. */
    public static final int V0_FULL_CONN_SIZE = V0_CONN_SIZE + SEQ_OPTION_LENGTH;

    // header fields (struct ip_vs_sync_mesg)
    public static final int RESERVED_OFFSET = 0;
    public static final int SYNCID_OFFSET = 1;
    public static final int SIZE_OFFSET = 2;
    public static final int NR_CONNS_OFFSET = 4;
    public static final int VERSION_OFFSET = 5;
    public static final int SPARE_OFFSET = 6;
    /** Version 0: nr_conns is the first byte (where version 1 has reserved = 0). */
    public static final int V0_NR_CONNS_OFFSET = 0;

    // entry fields (struct ip_vs_sync_v4 / v6)
    public static final int TYPE_OFFSET = 0;
    public static final int PROTOCOL_OFFSET = 1;
    public static final int VER_SIZE_OFFSET = 2;
    public static final int FLAGS_OFFSET = 4;
    public static final int STATE_OFFSET = 8;
    public static final int CPORT_OFFSET = 10;
    public static final int VPORT_OFFSET = 12;
    public static final int DPORT_OFFSET = 14;
    public static final int FWMARK_OFFSET = 16;
    public static final int TIMEOUT_OFFSET = 20;
    public static final int ADDRESSES_OFFSET = 24;

    // struct ip_vs_sync_conn_v0: reserved, protocol, cport, vport, dport, caddr, vaddr, daddr, flags, state
    public static final int V0_PROTOCOL_OFFSET = 1;
    public static final int V0_CPORT_OFFSET = 2;
    public static final int V0_VPORT_OFFSET = 4;
    public static final int V0_DPORT_OFFSET = 6;
    public static final int V0_CADDR_OFFSET = 8;
    public static final int V0_VADDR_OFFSET = 12;
    public static final int V0_DADDR_OFFSET = 16;
    public static final int V0_FLAGS_OFFSET = 20;
    public static final int V0_STATE_OFFSET = 22;

    /** {@code STYPE_F_INET6}. */
    public static final int TYPE_INET6 = 1;
    /** {@code SVER_SHIFT}. */
    public static final int SVER_SHIFT = 12;
    /** {@code SVER_MASK}. */
    public static final int SVER_MASK = 0x0FFF;

    /** {@code IPVS_OPT_SEQ_DATA}. */
    public static final int OPT_SEQ_DATA = 1;
    /** {@code IPVS_OPT_PE_DATA}. */
    public static final int OPT_PE_DATA = 2;
    /** {@code IPVS_OPT_PE_NAME}. */
    public static final int OPT_PE_NAME = 3;
    /** {@code IPVS_OPT_F_PARAM}: an option with this bit may be skipped when unknown. */
    public static final int OPT_F_PARAM = 1 << 6;

    // IP_VS_CONN_F_* (include/uapi/linux/ip_vs.h, include/net/ip_vs.h)
    public static final long F_FWD_MASK = 0x0007;
    public static final long F_SYNC = 0x0020;
    public static final long F_HASHED = 0x0040;
    public static final long F_NOOUTPUT = 0x0080;
    public static final long F_INACTIVE = 0x0100;
    public static final long F_OUT_SEQ = 0x0200;
    public static final long F_IN_SEQ = 0x0400;
    public static final long F_SEQ_MASK = 0x0600;
    public static final long F_NO_CPORT = 0x0800;
    public static final long F_TEMPLATE = 0x1000;
    public static final long F_ONE_PACKET = 0x2000;
    /** {@code IP_VS_CONN_F_BACKUP_MASK}: the flags a backup keeps from a message. */
    public static final long F_BACKUP_MASK = F_FWD_MASK | F_NOOUTPUT | F_INACTIVE | F_SEQ_MASK | F_NO_CPORT
            | F_TEMPLATE;
    /** {@code IP_VS_CONN_F_BACKUP_UPD_MASK}: the flags a message may change on an existing entry. */
    public static final long F_BACKUP_UPD_MASK = F_INACTIVE | F_SEQ_MASK;

    /** Number of states per protocol ({@code pp->num_states}): TCP 11, UDP 1, SCTP 14; -1 unsupported. */
    public static int stateCount(int protocol) {
        switch (protocol) {
            case 6:
                return 11;
            case 17:
                return 1;
            case 132:
                return 14;
            default:
                return -1;
        }
    }

    private SyncProtocol() {}
}
