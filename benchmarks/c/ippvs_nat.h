/*
 * C baseline of the ippvs established-flow path (see README.md in this directory).
 *
 * The types below mirror the Java classes they are named after, field for field where the packet
 * path reads them: PacketInfo, ConnectionTable (same 64-byte entry, same int index of 8-slot
 * buckets), TrafficStats / StripedCounters, RealServerState, ServiceTable, Scratch
 * (RewriteContext), Director and Worker. Only what an established IPv4 TCP/UDP flow touches is
 * implemented; new connections, IPv6, ICMP errors and ICMP generation return a drop verdict.
 */
#ifndef IPPVS_NAT_H
#define IPPVS_NAT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { IPV4 = 4, IPV6 = 6 };
enum { P_ICMP = 1, P_TCP = 6, P_UDP = 17, P_SCTP = 132 };

/* ConnectionFlags */
enum {
    CF_FWD_MASK = 0x0007,
    CF_MASQ = 0x0000,
    CF_TUNNEL = 0x0002,
    CF_DROUTE = 0x0003,
    CF_NO_OUTPUT = 0x0080,
    CF_NO_CPORT = 0x0800,
    CF_TEMPLATE = 0x1000,
};

/* TcpState codes, in the kernel's order */
enum { TS_NONE, TS_ESTABLISHED, TS_SYN_SENT, TS_SYN_RECV, TS_FIN_WAIT, TS_TIME_WAIT, TS_CLOSE,
       TS_CLOSE_WAIT, TS_LAST_ACK, TS_LISTEN, TS_SYNACK, TS_COUNT };
#define STATE_GONE 0xFF

/* TcpStateMachine directions */
enum { DIR_IN = 0, DIR_OUT = 1, DIR_INPUT_ONLY = 2 };

/* ForwardingMethod */
enum { FWD_MASQUERADE, FWD_TUNNEL, FWD_DIRECT_ROUTE, FWD_METHODS };

/* ParseStatus */
enum parse_status {
    PARSE_OK, PARSE_TRUNCATED, PARSE_BAD_VERSION, PARSE_BAD_HEADER_LENGTH, PARSE_BAD_TOTAL_LENGTH,
    PARSE_NON_FIRST_FRAGMENT, PARSE_L4_TRUNCATED, PARSE_UNSUPPORTED,
};

/* Verdict: FORWARD, REPLY, PASS, or DROP + reason */
enum {
    V_FORWARD = 0, V_REPLY = 1, V_PASS = 2, V_DROP = 3,
    DROP_MALFORMED = V_DROP, DROP_TRUNCATED, DROP_FRAGMENT, DROP_NO_REAL_SERVER, DROP_NO_CONNECTION,
    DROP_UNSUPPORTED, DROP_TTL_EXPIRED, DROP_TOO_BIG, DROP_BAD_CHECKSUM, DROP_NO_SERVICE,
    V_COUNT,
};

/* ---------------------------------------------------------------- a ByteBuffer */

struct pbuf {
    uint8_t *data;
    int position;
    int limit;
    int capacity;
    bool big_endian; /* ByteBuffer.order(): the NAT fast path needs network byte order */
};

/* ---------------------------------------------------------------- PacketInfo */

struct packet_info {
    int family, protocol, l3_offset, l4_offset, payload_offset, end, ttl, traffic_class;
    uint64_t src_high, src_low, dst_high, dst_low;
    int src_port, dst_port, tcp_flags;
    uint32_t tcp_seq, tcp_ack;
    bool fragment, first_fragment, more_fragments, dont_fragment;
    int fragment_offset;
    uint32_t fragment_id;
    int icmp_type, icmp_code;
    bool icmp_error;
    int fwmark;
};

enum parse_status parse_packet(const struct pbuf *b, struct packet_info *info);

/* ---------------------------------------------------------------- counters */

#define STRIPES 16 /* StripedCounters.STRIPES on a 2-core machine: max(16, ...) */
#define SHARED_STRIPE (STRIPES - 1) /* StripedCounters.SHARED: written with locked adds */
#define LONGS_PER_LINE 8
/* StripedCounters' stride: the width rounded up to whole lines, plus one line of padding */
#define STRIPE_STRIDE(width) (((width) + LONGS_PER_LINE - 1) / LONGS_PER_LINE * LONGS_PER_LINE + LONGS_PER_LINE)

/* TrafficStats: StripedCounters of width 5, so a stride of 16 longs; one line in front */
#define STATS_WIDTH 5
#define STATS_STRIDE STRIPE_STRIDE(STATS_WIDTH)
struct traffic_stats {
    _Alignas(64) _Atomic uint64_t cells[LONGS_PER_LINE + STRIPES * STATS_STRIDE];
};
enum { TS_CONNS, TS_IN_PKTS, TS_OUT_PKTS, TS_IN_BYTES, TS_OUT_BYTES };

/* the director's outcome counters: forwarded, replied, passed, one per DropReason (14): width 17 */
#define OUTCOME_WIDTH 17
#define OUTCOME_STRIDE STRIPE_STRIDE(OUTCOME_WIDTH)
struct outcome_counters {
    _Alignas(64) _Atomic uint64_t cells[LONGS_PER_LINE + STRIPES * OUTCOME_STRIDE];
};

uint64_t stats_sum(const _Atomic uint64_t *cells, int stride, int index);

/* ---------------------------------------------------------------- services and servers */

struct real_server_config {
    uint32_t address;
    int port;
    int method;
    int weight;
    int mtu; /* 0: the rewriter's default */
};

struct real_server {
    int id;
    const struct real_server_config *config;
    _Atomic bool in_service;
    _Atomic int active, inactive;
    struct traffic_stats *stats;
    struct traffic_stats *service_stats; /* the service's counters */
};

struct virtual_service {
    int protocol;
    uint32_t address;
    int port;
    struct traffic_stats stats;
};

/* ServiceTable: open addressing, at most half full, linear probing (address services only) */
struct service_table {
    int addr_mask;
    uint64_t *addr_high;
    uint64_t *addr_low;
    int *addr_meta;
    struct virtual_service **addr_service;
    bool has_port_zero;
    int mark_count;
};

/* ProtocolTimeouts (TCP part; seconds per state) */
struct timeouts {
    int tcp[TS_COUNT];
    int udp;
};

/* ServiceSet: one published configuration generation */
struct service_set {
    struct service_table table;
    struct timeouts timeouts;
};

/* TcpStateMachine: [direction * 4 + event] * 11 + state -> next state */
struct tcp_machine {
    uint8_t table[3 * 4 * TS_COUNT];
};
const struct tcp_machine *tcp_machine_normal(void);

/* ---------------------------------------------------------------- connection table */

struct conn_table {
    uint32_t max_connections;
    uint64_t seed;
    _Atomic uint64_t *entries; /* 8 words per handle, 64-byte aligned */
    _Atomic uint32_t *slots;   /* buckets * 8 */
    _Atomic uint32_t *overflow;
    uint32_t bucket_mask;
    int ref_bits;
    uint32_t ref_mask;
    _Atomic int no_cport_count;
    _Atomic int high_water;
    _Atomic int live;
    int free_head; /* setup and expiry only; Java stripes this list and locks it */
};

#define NOT_FOUND (-1)
#define NO_HANDLE (-1)

struct conn_spec {
    int family, protocol;
    uint32_t client, virtual_addr, destination;
    int client_port, virtual_port, destination_port;
    int flags, state, timeout_seconds, real_server, template_handle;
    uint64_t packets; /* inbound packets already counted */
};

int ct_init(struct conn_table *t, uint32_t max_connections, uint64_t seed);
void ct_free(struct conn_table *t);
int ct_insert(struct conn_table *t, const struct conn_spec *s, int64_t now);
int ct_lookup_inbound(struct conn_table *t, int family, int protocol, uint64_t client_high,
                      uint64_t client_low, int client_port, uint64_t virtual_high,
                      uint64_t virtual_low, int virtual_port, int64_t now);
int ct_lookup_outbound(struct conn_table *t, int family, int protocol, uint64_t server_high,
                       uint64_t server_low, int server_port, uint64_t client_high,
                       uint64_t client_low, int client_port, int64_t now);
uint64_t ct_packets(const struct conn_table *t, int h);
int64_t ct_expiry(const struct conn_table *t, int h);
int ct_state(const struct conn_table *t, int h);
size_t ct_footprint_bytes(const struct conn_table *t);

/* ---------------------------------------------------------------- the rewriter's context */

struct scratch {
    /* Scratch.info: the worker's own description, or a burst slot's (Burst.process swaps it in) */
    struct packet_info *info;
    struct packet_info own_info;
    struct pbuf *buffer;
    int family, l3_offset, l4_offset, protocol;
    bool reply, icmp_error;
    int inner_l3_offset, inner_l4_offset;
    int handle;
    uint64_t client_high, client_low, virtual_high, virtual_low, destination_high, destination_low;
    int client_port, virtual_port, destination_port;
    int connection_protocol;
    struct real_server *real_server;
    int64_t now;
};

struct rewriter {
    int method;
    int (*rewrite)(const struct rewriter *self, struct scratch *c);
};

/* NatRewriter with its builder's defaults: TTL decremented, MTU 1500, FTP helper on port 21 */
struct nat_rewriter {
    struct rewriter base;
    bool decrement_ttl;
    int default_mtu;
    const int *ftp_ports;
    int ftp_port_count;
    bool ftp_helper;
};
void nat_rewriter_init(struct nat_rewriter *r);

/* DirectorBenchmark.PassThrough: direct routing changes no byte */
extern const struct rewriter pass_through_rewriter;

/* ---------------------------------------------------------------- director */

struct director {
    int64_t (*clock)(void *arg); /* the injectable nanosecond clock (a LongSupplier) */
    void *clock_arg;
    struct conn_table table;
    const struct rewriter *rewriters[FWD_METHODS];
    struct service_set *_Atomic current;
    const struct tcp_machine *_Atomic tcp_machine;
    struct real_server **servers_by_id;
    int servers_length;
    struct traffic_stats totals;
    struct outcome_counters outcomes;
    int conn_reuse_mode;
    bool expire_nodest_conn;
    bool drop_non_service;
    _Atomic int next_stripe; /* the director's StripeAllocator */
};

/* Burst.MAX */
#define BURST_MAX 64

struct worker {
    struct director *director;
    struct scratch scratch;
    int stripe;
    /* Burst: one description, parse status and two bucket hints per packet of a burst */
    struct packet_info burst_info[BURST_MAX];
    int burst_status[BURST_MAX];
    int in_hint[BURST_MAX];
    int out_hint[BURST_MAX];
    uint64_t sink;
};

/* Worker.process(ByteBuffer): the director's clock is read once the packet is parsed */
int director_process_worker(struct worker *w, struct pbuf *packet);
/* Worker.process(packet, 0, null, nowNanos): the caller's time, no clock reading */
int director_process_at(struct worker *w, struct pbuf *packet, int64_t now);
/* Worker.process(packets, 0, n, null, null, verdicts, now): the staged burst (Burst.process), n <= BURST_MAX */
void director_process_burst(struct worker *w, struct pbuf *const *packets, int n, int *verdicts, int64_t now);
/* Director.nanoTime(): the director's clock, which a caller reads once per burst */
int64_t director_nano_time(const struct director *d);
/* Director.newWorker() */
struct worker *director_new_worker(struct director *d);
/* Director.process(ByteBuffer): the worker comes from a thread-local, as Java's does */
int director_process(struct director *d, struct pbuf *packet);
int64_t monotonic_nanos(void *unused);

/* ---------------------------------------------------------------- checksums (RFC 1071, 1624) */

static inline uint32_t csum_fold(uint64_t acc)
{
    acc = (acc & 0xFFFFFFFFu) + (acc >> 32);
    acc = (acc & 0xFFFFu) + (acc >> 16);
    acc = (acc & 0xFFFFu) + (acc >> 16);
    return (uint32_t)((acc & 0xFFFFu) + (acc >> 16));
}

/* HC' = ~(~HC + ~m + m') for one 16-bit word */
static inline uint32_t csum_update16(uint32_t old_checksum, uint32_t old_value, uint32_t new_value)
{
    uint64_t acc = (~old_checksum & 0xFFFFu) + (~old_value & 0xFFFFu) + (new_value & 0xFFFFu);
    return ~csum_fold(acc) & 0xFFFFu;
}

/* the same for an aligned 32-bit field (an IPv4 address) */
static inline uint32_t csum_update32(uint32_t old_checksum, uint32_t old_value, uint32_t new_value)
{
    uint64_t acc = (~old_checksum & 0xFFFFu) + (~old_value >> 16) + (~old_value & 0xFFFFu)
                 + (new_value >> 16) + (new_value & 0xFFFFu);
    return ~csum_fold(acc) & 0xFFFFu;
}

#endif
