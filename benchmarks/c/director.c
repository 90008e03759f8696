/*
 * The per-packet path of an established IPv4 flow, written as the Java code is: PacketParser,
 * ConnectionTable, TcpStateMachine, Director.transport/inbound/outbound/advance/rewrite,
 * TrafficStats and NatRewriter. Each function names the Java method it mirrors. Where Java uses a
 * VarHandle access mode, the C11 atomic with the same ordering is used (on x86-64 both compile to
 * plain moves except getAndAdd / compareAndSet, which are locked instructions in both).
 */
#define _POSIX_C_SOURCE 200809L
#include "ippvs_nat.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RELAXED memory_order_relaxed
#define ACQUIRE memory_order_acquire
#define RELEASE memory_order_release
#define LOAD(p) atomic_load_explicit((p), RELAXED)
#define STORE(p, v) atomic_store_explicit((p), (v), RELAXED)

/* network byte order; gcc turns these into a load and a bswap */
static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

/* ByteBuffer.getLong in big-endian order: an unaligned load and a byte swap */
static inline uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return __builtin_bswap64(v);
}

static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

int64_t monotonic_nanos(void *unused)
{
    (void)unused;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ================================================================ PacketParser */

static void clear_icmp(struct packet_info *info)
{
    info->icmp_type = -1;
    info->icmp_code = -1;
    info->icmp_error = false;
}

static void clear_for_parse(struct packet_info *info, int position)
{
    info->family = 0;
    info->protocol = -1;
    info->l3_offset = position;
    info->l4_offset = -1;
    info->payload_offset = -1;
    info->end = -1;
    info->src_port = info->dst_port = 0;
    info->tcp_flags = 0;
    info->tcp_seq = info->tcp_ack = 0;
    if (info->icmp_type != -1) {
        clear_icmp(info);
    }
}

static void clear_fragment(struct packet_info *info)
{
    info->fragment = info->first_fragment = info->more_fragments = false;
    info->fragment_offset = 0;
    info->fragment_id = 0;
}

static void clear_network(struct packet_info *info)
{
    info->ttl = 0;
    info->traffic_class = 0;
    info->src_high = info->src_low = info->dst_high = info->dst_low = 0;
    clear_fragment(info);
    info->dont_fragment = false;
}

/* PacketParser.transport: TCP and UDP only */
static enum parse_status parse_transport(const uint8_t *b, int at, int end, int protocol, bool whole,
                                         struct packet_info *info)
{
    info->l4_offset = at;
    int available = end - at;
    switch (protocol) {
    case P_TCP: {
        if (available < 20) {
            return PARSE_L4_TRUNCATED;
        }
        uint32_t offset_and_flags = get16(b + at + 12);
        int header_length = (int)(offset_and_flags >> 10) & 0x3C;
        if (header_length < 20) {
            return PARSE_BAD_HEADER_LENGTH;
        }
        if (header_length > available) {
            return PARSE_L4_TRUNCATED;
        }
        uint32_t ports = get32(b + at);
        info->src_port = (int)(ports >> 16);
        info->dst_port = (int)(ports & 0xFFFF);
        info->tcp_seq = get32(b + at + 4);
        info->tcp_ack = get32(b + at + 8);
        info->tcp_flags = (int)(offset_and_flags & 0xFF);
        info->payload_offset = at + header_length;
        /* checksums are verified only with Director.Builder.verifyChecksums(true): off here, as in Java */
        return PARSE_OK;
    }
    case P_UDP: {
        if (available < 8) {
            return PARSE_L4_TRUNCATED;
        }
        info->src_port = (int)get16(b + at);
        info->dst_port = (int)get16(b + at + 2);
        info->payload_offset = at + 8;
        if (!whole) {
            return PARSE_OK;
        }
        int length = (int)get16(b + at + 4);
        if (length < 8) {
            return PARSE_BAD_TOTAL_LENGTH;
        }
        if (length > available) {
            return PARSE_L4_TRUNCATED;
        }
        return PARSE_OK;
    }
    default:
        return PARSE_OK;
    }
}

/* PacketParser.ipv4 */
static enum parse_status parse_ipv4(const uint8_t *b, int at, int limit, struct packet_info *info)
{
    if (limit - at < 20) {
        clear_network(info);
        return PARSE_TRUNCATED;
    }
    info->family = IPV4;
    /* three aligned words cover everything up to the addresses */
    uint32_t word0 = get32(b + at);
    uint32_t word1 = get32(b + at + 4);
    uint32_t word2 = get32(b + at + 8);
    int header_length = (int)(word0 >> 22) & 0x3C;
    if (header_length < 20) {
        clear_network(info);
        return PARSE_BAD_HEADER_LENGTH;
    }
    int total = (int)(word0 & 0xFFFF);
    if (total > limit - at || total < 20) {
        clear_network(info);
        return PARSE_BAD_TOTAL_LENGTH;
    }
    if (header_length > total) {
        clear_network(info);
        return PARSE_BAD_HEADER_LENGTH;
    }
    int end = at + total;
    int protocol = (int)(word2 >> 16) & 0xFF;
    uint32_t fragment_word = word1 & 0xFFFF;
    int fragment_offset = (int)(fragment_word & 0x1FFF) << 3;
    bool more = (fragment_word & 0x2000) != 0;
    info->end = end;
    info->protocol = protocol;
    info->traffic_class = (int)(word0 >> 16) & 0xFF;
    info->ttl = (int)(word2 >> 24);
    info->src_high = 0;
    info->src_low = get32(b + at + 12);
    info->dst_high = 0;
    info->dst_low = get32(b + at + 16);
    info->fragment_id = word1 >> 16;
    info->dont_fragment = (fragment_word & 0x4000) != 0;
    info->more_fragments = more;
    info->fragment_offset = fragment_offset;
    info->fragment = more || fragment_offset != 0;
    info->first_fragment = more && fragment_offset == 0;
    if (fragment_offset != 0) {
        return PARSE_NON_FIRST_FRAGMENT;
    }
    return parse_transport(b, at + header_length, end, protocol, !more, info);
}

/* PacketParser.parse; IPv6 is not part of this baseline */
enum parse_status parse_packet(const struct pbuf *buf, struct packet_info *info)
{
    int position = buf->position;
    int limit = buf->limit;
    clear_for_parse(info, position);
    if (limit - position < 1) {
        clear_network(info);
        return PARSE_TRUNCATED;
    }
    int version = buf->data[position] >> 4;
    if (version == 4) {
        return parse_ipv4(buf->data, position, limit, info);
    }
    clear_network(info);
    return version == 6 ? PARSE_UNSUPPORTED : PARSE_BAD_VERSION;
}

/* ================================================================ counters */

_Static_assert(V_COUNT <= OUTCOME_WIDTH, "an outcome counter per verdict");

/* StripedCounters.add: a plain read and a release store on an exclusive stripe, a locked add on the shared one */
static inline void counter_add(_Atomic uint64_t *cell, int stripe, uint64_t delta)
{
    if (stripe == SHARED_STRIPE) {
        atomic_fetch_add(cell, delta);
    } else {
        atomic_store_explicit(cell, LOAD(cell) + delta, RELEASE);
    }
}

/*
 * StripedCounters.add2(stripe, i1, d1, i2, d2, a, b, c), as TrafficStats.inPacket / outPacket(stripe,
 * bytes, server, service, total) call it: one stripe test and one offset for the real server's, the
 * service's and the director's packet and byte counters. (Java also compares the three strides,
 * which are equal here by type.)
 */
static inline void stats_add2_3(int stripe, int i1, uint64_t d1, int i2, uint64_t d2, struct traffic_stats *a,
                                struct traffic_stats *b, struct traffic_stats *c)
{
    size_t at = LONGS_PER_LINE + (size_t)stripe * STATS_STRIDE;
    if (stripe == SHARED_STRIPE) {
        struct traffic_stats *all[3] = {a, b, c};
        for (int k = 0; k < 3; k++) {
            atomic_fetch_add(all[k]->cells + at + i1, d1);
            atomic_fetch_add(all[k]->cells + at + i2, d2);
        }
        return;
    }
    _Atomic uint64_t *x = a->cells + at, *y = b->cells + at, *z = c->cells + at;
    atomic_store_explicit(x + i1, LOAD(x + i1) + d1, RELEASE);
    atomic_store_explicit(x + i2, LOAD(x + i2) + d2, RELEASE);
    atomic_store_explicit(y + i1, LOAD(y + i1) + d1, RELEASE);
    atomic_store_explicit(y + i2, LOAD(y + i2) + d2, RELEASE);
    atomic_store_explicit(z + i1, LOAD(z + i1) + d1, RELEASE);
    atomic_store_explicit(z + i2, LOAD(z + i2) + d2, RELEASE);
}

/* TrafficStats.inPacket(stripe, bytes, server, service, total) */
static inline void stats_in_packet(int stripe, int bytes, struct traffic_stats *server, struct traffic_stats *service,
                                   struct traffic_stats *total)
{
    stats_add2_3(stripe, TS_IN_PKTS, 1, TS_IN_BYTES, (uint64_t)bytes, server, service, total);
}

/* TrafficStats.outPacket(stripe, bytes, server, service, total) */
static inline void stats_out_packet(int stripe, int bytes, struct traffic_stats *server, struct traffic_stats *service,
                                    struct traffic_stats *total)
{
    stats_add2_3(stripe, TS_OUT_PKTS, 1, TS_OUT_BYTES, (uint64_t)bytes, server, service, total);
}

/* Director.outcomes.add(stripe, index, 1) */
static inline void outcome_add(struct outcome_counters *o, int stripe, int index)
{
    counter_add(o->cells + LONGS_PER_LINE + (size_t)stripe * OUTCOME_STRIDE + index, stripe, 1);
}

uint64_t stats_sum(const _Atomic uint64_t *cells, int stride, int index)
{
    uint64_t s = 0;
    for (int stripe = 0; stripe < STRIPES; stripe++) {
        s += atomic_load((_Atomic uint64_t *)cells + LONGS_PER_LINE + stripe * stride + index);
    }
    return s;
}

/* ================================================================ TcpStateMachine */

static const char *const NORMAL_ROWS[] = {
    "SR ES ES SR SR SR SR SR SR SR SR", /* IN   syn */
    "CL CW SS TW TW TW CL CW LA LI TW", /* IN   fin */
    "ES ES SS ES FW TW CL CW CL LI ES", /* IN   ack */
    "CL CL CL SR CL CL CL CL LA LI SR", /* IN   rst */
    "SS ES SS SR SS SS SS SS SS LI SR", /* OUT  syn */
    "TW FW SS TW FW TW CL TW LA LI TW", /* OUT  fin */
    "ES ES SS ES FW TW CL CW LA ES ES", /* OUT  ack */
    "CL CL SS CL CL TW CL CL CL CL CL", /* OUT  rst */
    "SR ES ES SR SR SR SR SR SR SR SR", /* INON syn */
    "CL FW SS TW FW TW CL CW LA LI TW", /* INON fin */
    "ES ES SS ES FW TW CL CW CL LI ES", /* INON ack */
    "CL CL CL SR CL CL CL CL LA LI CL", /* INON rst */
};

const struct tcp_machine *tcp_machine_normal(void)
{
    static struct tcp_machine m;
    static bool built;
    static const char names[] = "NO ES SS SR FW TW CL CW LA LI SA";
    if (!built) {
        for (int r = 0; r < 12; r++) {
            for (int s = 0; s < TS_COUNT; s++) {
                const char *cell = NORMAL_ROWS[r] + 3 * s;
                for (int k = 0; k < TS_COUNT; k++) {
                    if (names[3 * k] == cell[0] && names[3 * k + 1] == cell[1]) {
                        m.table[r * TS_COUNT + s] = (uint8_t)k;
                    }
                }
            }
        }
        built = true;
    }
    return &m;
}

enum { EV_SYN, EV_FIN, EV_ACK, EV_RST };
enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_ACK = 0x10 };

/* TcpStateMachine.event: RST > SYN > FIN > ACK */
static inline int tcp_event(int flags)
{
    if (flags & TCP_RST) {
        return EV_RST;
    }
    if (flags & TCP_SYN) {
        return EV_SYN;
    }
    if (flags & TCP_FIN) {
        return EV_FIN;
    }
    if (flags & TCP_ACK) {
        return EV_ACK;
    }
    return -1;
}

/* TcpStateMachine.next */
static inline int tcp_next(const struct tcp_machine *m, int state, int direction, int flags)
{
    int event = tcp_event(flags);
    if (event < 0 || state < 0 || state >= TS_COUNT || direction < 0 || direction > 2) {
        return state;
    }
    return m->table[((direction << 2) + event) * TS_COUNT + state];
}

static inline bool tcp_starts_connection(int flags)
{
    return (flags & (TCP_SYN | TCP_RST)) == TCP_SYN;
}

static inline bool tcp_state_active(int state)
{
    return state == TS_ESTABLISHED || state == TS_SYN_SENT || state == TS_SYN_RECV || state == TS_SYNACK;
}

/* ================================================================ ConnectionTable */

/* entry words */
enum { W_ADDR, W_KEY, W_CTL, W_EXPIRY, W_STATE, W_LINKS, W_AUX, W_PACKETS, WORDS };
#define LIVE 1ull
#define BUSY 2ull
#define TEMPLATE_KIND 0x80
#define OUT_KIND 0x40
#define KIND_PROTO_MASK (0xFFFFull << 32)
#define FLAGS_MASK (0xFFFFull << 48)
#define COUNT_MASK 0x1FFFFFFFull
#define BUCKET_SHIFT 3
enum { IN = 0, OUT = 1 };
enum { KEPT, REMOVED, GONE };

static const uint64_t M1 = 0x9E3779B97F4A7C15ull;
static const uint64_t M2 = 0xBF58476D1CE4E5B9ull;
static const uint64_t M3 = 0x94D049BB133111EBull;

static inline _Atomic uint64_t *entry(const struct conn_table *t, int h)
{
    return t->entries + ((size_t)h << 3);
}

static inline uint64_t rotl(uint64_t v, int n)
{
    return v << n | v >> (64 - n);
}

/* ConnectionTable.hash. IN: a = client, b = virtual; OUT: a = real server, b = client */
static inline uint64_t ct_hash(const struct conn_table *t, int dir, int kind, int protocol, uint64_t a_high,
                               uint64_t a_low, int a_port, uint64_t b_high, uint64_t b_low, int b_port)
{
    uint64_t ports = (uint64_t)a_port << 16 | (uint64_t)b_port | (uint64_t)protocol << 32
                   | (uint64_t)(kind | dir * OUT_KIND) << 40;
    uint64_t h;
    if ((kind & 0x7) == IPV4) {
        h = ((a_low << 32 | (b_low & 0xFFFFFFFFu)) ^ t->seed) * M1;
    } else {
        h = (a_high ^ t->seed) * M1;
        h = (rotl(h, 27) ^ a_low) * M2;
        h = (rotl(h, 27) ^ b_high) * M1;
        h = (rotl(h, 27) ^ b_low) * M2;
    }
    h ^= h >> 32;
    h = (h ^ ports) * M2;
    h ^= h >> 29;
    h *= M3;
    return h ^ (h >> 32);
}

/* spare hash bits above the slot's reference */
static inline uint32_t ct_tag(const struct conn_table *t, uint64_t hash)
{
    return (uint32_t)(hash >> 32) & ~t->ref_mask;
}

/* ConnectionTable.matchV4: the validated control word if entry h is live and has the key, else 0 */
static inline uint64_t match_v4(const struct conn_table *t, int h, int dir, int kind, int protocol,
                                uint64_t a_low, int a_port, uint64_t b_low, int b_port)
{
    _Atomic uint64_t *e = entry(t, h);
    uint64_t c = atomic_load_explicit(e + W_CTL, ACQUIRE);
    if ((c & LIVE) == 0) {
        return 0;
    }
    uint64_t k0 = LOAD(e + W_ADDR);
    uint64_t k1 = LOAD(e + W_KEY);
    if (dir == IN) {
        if ((c & KIND_PROTO_MASK) != ((uint64_t)protocol << 40 | (uint64_t)kind << 32)
            || k0 != (a_low << 32 | (b_low & 0xFFFFFFFFu))
            || (uint32_t)k1 != ((uint32_t)a_port << 16 | (uint32_t)b_port)) {
            return 0;
        }
    } else if ((c >> 32) != ((uint64_t)a_port << 16 | (uint64_t)protocol << 8 | (uint64_t)kind)
               || (uint32_t)(k1 >> 32) != (uint32_t)a_low
               || (uint32_t)(k0 >> 32) != (uint32_t)b_low
               || ((uint32_t)k1 >> 16) != (uint32_t)b_port) {
        return 0;
    }
    atomic_thread_fence(ACQUIRE);
    return LOAD(e + W_CTL) == c ? c : 0;
}

static inline uint64_t match(const struct conn_table *t, int h, int dir, int kind, int protocol,
                             uint64_t a_low, int a_port, uint64_t b_low, int b_port)
{
    /* IPv6 keys live in side chunks in Java; this baseline has none */
    return (kind & 0x7) == IPV4 ? match_v4(t, h, dir, kind, protocol, a_low, a_port, b_low, b_port) : 0;
}

static uint64_t stored_key_hash(const struct conn_table *t, int h, uint64_t c, int dir)
{
    _Atomic uint64_t *e = entry(t, h);
    int kind = (int)(c >> 32) & 0xFF;
    int protocol = (int)(c >> 40) & 0xFF;
    int destination_port = (int)(c >> 48) & 0xFFFF;
    uint64_t k0 = LOAD(e + W_ADDR);
    uint64_t k1 = LOAD(e + W_KEY);
    int client_port = (int)(k1 >> 16) & 0xFFFF;
    int virtual_port = (int)k1 & 0xFFFF;
    uint64_t client = k0 >> 32, virtual_addr = k0 & 0xFFFFFFFFu, destination = k1 >> 32;
    return dir == IN ? ct_hash(t, IN, kind, protocol, 0, client, client_port, 0, virtual_addr, virtual_port)
                     : ct_hash(t, OUT, kind, protocol, 0, destination, destination_port, 0, client, client_port);
}

static void ct_index(struct conn_table *t, uint64_t hash, int h, int dir)
{
    uint32_t value = ct_tag(t, hash) | ((((uint32_t)h << 1) | (uint32_t)dir) + 1);
    uint32_t b = (uint32_t)hash & t->bucket_mask;
    for (;;) {
        _Atomic uint32_t *base = t->slots + ((size_t)b << BUCKET_SHIFT);
        for (int i = 0; i < 8; i++) {
            uint32_t zero = 0;
            if (LOAD(base + i) == 0 && atomic_compare_exchange_strong(base + i, &zero, value)) {
                return;
            }
        }
        /* spill: counted before the slot appears so lookups keep probing */
        atomic_fetch_add(t->overflow + b, 1);
        b = (b + 1) & t->bucket_mask;
    }
}

static void ct_unindex(struct conn_table *t, int h, uint64_t c, int dir)
{
    uint64_t hash = stored_key_hash(t, h, c, dir);
    uint32_t value = ct_tag(t, hash) | ((((uint32_t)h << 1) | (uint32_t)dir) + 1);
    uint32_t b = (uint32_t)hash & t->bucket_mask;
    for (uint32_t n = 0; n <= t->bucket_mask; n++) {
        _Atomic uint32_t *base = t->slots + ((size_t)b << BUCKET_SHIFT);
        for (int i = 0; i < 8; i++) {
            uint32_t expected = value;
            if (LOAD(base + i) == value && atomic_compare_exchange_strong(base + i, &expected, 0)) {
                /* undo the spills counted on the way from the home bucket */
                uint32_t home = (uint32_t)hash & t->bucket_mask;
                for (uint32_t k = home; k != b; k = (k + 1) & t->bucket_mask) {
                    atomic_fetch_sub(t->overflow + k, 1);
                }
                return;
            }
        }
        b = (b + 1) & t->bucket_mask;
    }
}

/*
 * ConnectionTable.expire for a connection found expired by a lookup: claim it (one CAS), unindex,
 * free. The director's removal listener (state freeze, server counts) and templates are not
 * mirrored: nothing expires in the benchmark (ESTABLISHED lasts 900 s).
 */
static int ct_expire(struct conn_table *t, int h, uint64_t c)
{
    _Atomic uint64_t *e = entry(t, h);
    if (c & BUSY) {
        return GONE;
    }
    uint64_t expected = c;
    if (!atomic_compare_exchange_strong(e + W_CTL, &expected, c & ~LIVE)) {
        return atomic_load_explicit(e + W_CTL, ACQUIRE) != c ? GONE : KEPT;
    }
    ct_unindex(t, h, c, IN);
    ct_unindex(t, h, c, OUT);
    STORE(e + W_LINKS, (LOAD(e + W_LINKS) & ~0xFFFFFFFFull) | (uint32_t)t->free_head);
    t->free_head = h;
    atomic_fetch_sub(&t->live, 1);
    return REMOVED;
}

/* ConnectionTable.probe */
static inline int ct_probe(struct conn_table *t, uint64_t hash, int dir, int kind, int protocol, uint64_t a_low,
                           int a_port, uint64_t b_low, int b_port, int64_t now)
{
    const _Atomic uint32_t *sl = t->slots;
    uint32_t b = (uint32_t)hash & t->bucket_mask;
    uint32_t tag = ct_tag(t, hash);
    uint32_t mask = t->ref_mask;
    for (uint32_t n = 0; n <= t->bucket_mask; n++) {
        size_t base = (size_t)b << BUCKET_SHIFT;
        for (int i = 0; i < 8; i++) {
            uint32_t s = LOAD(sl + base + i);
            if (s == 0 || (s & ~mask) != tag) {
                continue;
            }
            uint32_t ref = (s & mask) - 1;
            if ((int)(ref & 1) != dir) {
                continue;
            }
            int h = (int)(ref >> 1);
            uint64_t c = match(t, h, dir, kind, protocol, a_low, a_port, b_low, b_port);
            if (c == 0) {
                continue;
            }
            if (now - (int64_t)LOAD(entry(t, h) + W_EXPIRY) >= 0 && ct_expire(t, h, c) != KEPT) {
                continue;
            }
            return h;
        }
        if (LOAD(t->overflow + b) == 0) {
            return NOT_FOUND;
        }
        b = (b + 1) & t->bucket_mask;
    }
    return NOT_FOUND;
}

int ct_lookup_inbound(struct conn_table *t, int family, int protocol, uint64_t client_high, uint64_t client_low,
                      int client_port, uint64_t virtual_high, uint64_t virtual_low, int virtual_port, int64_t now)
{
    uint64_t hash = ct_hash(t, IN, family, protocol, client_high, client_low, client_port, virtual_high,
                            virtual_low, virtual_port);
    int h = ct_probe(t, hash, IN, family, protocol, client_low, client_port, virtual_low, virtual_port, now);
    if (h >= 0 || client_port == 0 || atomic_load(&t->no_cport_count) == 0) {
        return h;
    }
    return NOT_FOUND; /* the wildcard client-port retry (FTP data) is not mirrored */
}

int ct_lookup_outbound(struct conn_table *t, int family, int protocol, uint64_t server_high, uint64_t server_low,
                       int server_port, uint64_t client_high, uint64_t client_low, int client_port, int64_t now)
{
    uint64_t hash = ct_hash(t, OUT, family, protocol, server_high, server_low, server_port, client_high,
                            client_low, client_port);
    int h = ct_probe(t, hash, OUT, family, protocol, server_low, server_port, client_low, client_port, now);
    if (h >= 0 || client_port == 0 || atomic_load(&t->no_cport_count) == 0) {
        return h;
    }
    return NOT_FOUND;
}

static int buckets_for(uint32_t max_connections)
{
    uint32_t want = (max_connections + 1) / 2;
    if (want < 2) {
        want = 2;
    }
    uint32_t p = 1;
    while (p < want) {
        p <<= 1;
    }
    return (int)p; /* Integer.highestOneBit(want - 1) << 1 */
}

int ct_init(struct conn_table *t, uint32_t max_connections, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    int buckets = buckets_for(max_connections);
    t->max_connections = max_connections;
    t->seed = seed;
    /* calloc'd like a Java array: pages are touched when first written */
    t->entries = aligned_alloc(64, (size_t)max_connections * WORDS * sizeof(uint64_t));
    t->slots = aligned_alloc(64, (size_t)buckets * 8 * sizeof(uint32_t));
    t->overflow = aligned_alloc(64, (size_t)buckets * sizeof(uint32_t));
    if (!t->entries || !t->slots || !t->overflow) {
        return -1;
    }
    memset((void *)t->entries, 0, (size_t)max_connections * WORDS * sizeof(uint64_t));
    memset((void *)t->slots, 0, (size_t)buckets * 8 * sizeof(uint32_t));
    memset((void *)t->overflow, 0, (size_t)buckets * sizeof(uint32_t));
    t->bucket_mask = (uint32_t)buckets - 1;
    t->ref_bits = 32 - __builtin_clz(2 * max_connections);
    t->ref_mask = (uint32_t)((1ull << t->ref_bits) - 1);
    t->free_head = NO_HANDLE;
    return 0;
}

void ct_free(struct conn_table *t)
{
    free((void *)t->entries);
    free((void *)t->slots);
    free((void *)t->overflow);
}

size_t ct_footprint_bytes(const struct conn_table *t)
{
    size_t buckets = (size_t)t->bucket_mask + 1;
    return (size_t)t->max_connections * WORDS * 8 + buckets * 8 * 4 + buckets * 4;
}

/*
 * ConnectionTable.insert for an IPv4 connection (not a template). Single-threaded here: Java takes
 * an insert-stripe lock and a free-list lock, which the established path never does.
 */
int ct_insert(struct conn_table *t, const struct conn_spec *s, int64_t now)
{
    int kind = s->family;
    int client_port = (s->flags & CF_NO_CPORT) ? 0 : s->client_port;
    uint64_t in_hash = ct_hash(t, IN, kind, s->protocol, 0, s->client, client_port, 0, s->virtual_addr,
                               s->virtual_port);
    int existing = ct_probe(t, in_hash, IN, kind, s->protocol, s->client, client_port, s->virtual_addr,
                            s->virtual_port, now);
    if (existing >= 0) {
        return -3 - existing;
    }
    int h;
    if (t->free_head != NO_HANDLE) {
        h = t->free_head;
        t->free_head = (int)(uint32_t)LOAD(entry(t, h) + W_LINKS);
    } else if ((uint32_t)atomic_load(&t->high_water) < t->max_connections) {
        h = atomic_fetch_add(&t->high_water, 1);
    } else {
        return -1;
    }
    _Atomic uint64_t *e = entry(t, h);
    uint64_t old = LOAD(e + W_CTL);
    uint64_t generation = ((old & 0xFFFFFFFFu) >> 2) + 1;
    uint64_t ctl = ((generation << 2) | LIVE) & 0xFFFFFFFFu;
    STORE(e + W_ADDR, (uint64_t)s->client << 32 | s->virtual_addr);
    STORE(e + W_KEY, (uint64_t)s->destination << 32 | (uint64_t)client_port << 16 | (uint64_t)s->virtual_port);
    STORE(e + W_EXPIRY, (uint64_t)(now + (int64_t)s->timeout_seconds * 1000000000));
    STORE(e + W_STATE, (uint64_t)s->flags << 48 | (uint64_t)s->state << 40 | (uint32_t)s->timeout_seconds);
    STORE(e + W_LINKS, (uint64_t)(uint32_t)s->real_server << 32 | (uint32_t)s->template_handle);
    STORE(e + W_AUX, 0);
    STORE(e + W_PACKETS, s->packets);
    atomic_store_explicit(e + W_CTL, (uint64_t)s->destination_port << 48 | (uint64_t)s->protocol << 40
                                         | (uint64_t)kind << 32 | ctl, RELEASE);
    ct_index(t, in_hash, h, IN);
    ct_index(t, ct_hash(t, OUT, s->family, s->protocol, 0, s->destination, s->destination_port, 0, s->client,
                        client_port), h, OUT);
    atomic_fetch_add(&t->live, 1);
    return h;
}

/* the accessors the director uses, as in ConnectionTable (getOpaque = relaxed) */
static inline int ct_flags(const struct conn_table *t, int h)
{
    return (int)(LOAD(entry(t, h) + W_STATE) >> 48) & 0xFFFF;
}

int ct_state(const struct conn_table *t, int h)
{
    return (int)(LOAD(entry(t, h) + W_STATE) >> 40) & 0xFF;
}

static inline int ct_real_server(const struct conn_table *t, int h)
{
    return (int)(LOAD(entry(t, h) + W_LINKS) >> 32);
}

int64_t ct_expiry(const struct conn_table *t, int h)
{
    return (int64_t)LOAD(entry(t, h) + W_EXPIRY);
}

uint64_t ct_packets(const struct conn_table *t, int h)
{
    return LOAD(entry(t, h) + W_PACKETS);
}

static void ct_set_timeout_seconds(struct conn_table *t, int h, int seconds)
{
    _Atomic uint64_t *e = entry(t, h);
    uint64_t w = atomic_load(e + W_STATE);
    while (!atomic_compare_exchange_weak(e + W_STATE, &w, (w & ~0xFFFFFFFFull) | (uint32_t)seconds)) {
    }
}

static bool ct_compare_and_set_state(struct conn_table *t, int h, int expected_state, int new_state,
                                     int timeout_seconds, int64_t now)
{
    _Atomic uint64_t *e = entry(t, h);
    for (;;) {
        uint64_t w = atomic_load(e + W_STATE);
        if (((int)(w >> 40) & 0xFF) != expected_state) {
            return false;
        }
        uint64_t n = (w & FLAGS_MASK) | (uint64_t)(new_state & 0xFF) << 40 | (uint32_t)timeout_seconds;
        if (atomic_compare_exchange_strong(e + W_STATE, &w, n)) {
            STORE(e + W_EXPIRY, (uint64_t)(now + (int64_t)timeout_seconds * 1000000000));
            return true;
        }
    }
}

static void ct_clear_flags(struct conn_table *t, int h, int bits)
{
    _Atomic uint64_t *e = entry(t, h);
    uint64_t w = atomic_load(e + W_STATE);
    while (!atomic_compare_exchange_weak(e + W_STATE, &w, w & ~((uint64_t)(bits & ~(CF_NO_CPORT | CF_TEMPLATE)) << 48))) {
    }
}

/* ConnectionTable.TOUCH_SLACK_NANOS: how far an expiry may stay behind the one touch would set */
#define TOUCH_SLACK_NANOS (1LL << 20)

/*
 * ConnectionTable.touch: set the timeout if it differs, restart it at now, except that an expiry
 * less than TOUCH_SLACK_NANOS earlier than the new one is left alone (nothing written).
 */
static inline void ct_touch(struct conn_table *t, int h, int timeout_seconds, int64_t now)
{
    _Atomic uint64_t *e = entry(t, h);
    if ((int)(uint32_t)LOAD(e + W_STATE) != timeout_seconds) {
        ct_set_timeout_seconds(t, h, timeout_seconds);
    }
    int64_t expiry = now + (int64_t)timeout_seconds * 1000000000;
    int64_t ahead = expiry - (int64_t)LOAD(e + W_EXPIRY);
    if (ahead < 0 || ahead >= TOUCH_SLACK_NANOS) {
        STORE(e + W_EXPIRY, (uint64_t)expiry);
    }
}

/* ConnectionTable.incrementPackets: getAndAdd, a locked add in both languages */
static inline uint64_t ct_increment_packets(struct conn_table *t, int h)
{
    return atomic_fetch_add(entry(t, h) + W_PACKETS, 1) + 1;
}

/* ================================================================ ServiceTable */

static inline int service_mix(int x)
{
    uint32_t u = (uint32_t)x * 0x9E3779B1u;
    return (int)(u ^ (u >> 15));
}

static inline int service_meta(int protocol, int family, int port)
{
    return (protocol & 0xFF) << 20 | (family & 0xF) << 16 | (port & 0xFFFF);
}

static inline int service_hash(int meta, uint64_t high, uint64_t low)
{
    uint64_t h = high * 0x9E3779B97F4A7C15ull + low;
    h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull + (uint64_t)(int64_t)meta;
    return service_mix((int)(uint32_t)(h ^ (h >> 32)));
}

static inline struct virtual_service *find_addr(const struct service_table *st, int meta, uint64_t high,
                                                uint64_t low)
{
    int i = service_hash(meta, high, low) & st->addr_mask;
    for (;;) {
        struct virtual_service *s = st->addr_service[i];
        if (s == NULL) {
            return NULL;
        }
        if (st->addr_meta[i] == meta && st->addr_low[i] == low && st->addr_high[i] == high) {
            return s;
        }
        i = (i + 1) & st->addr_mask;
    }
}

/* ServiceTable.lookup (no firewall-mark services here: markCount is 0) */
static inline struct virtual_service *service_lookup(const struct service_table *st, int fwmark, int protocol,
                                                     int family, uint64_t high, uint64_t low, int port)
{
    if (fwmark != 0 && st->mark_count != 0) {
        return NULL;
    }
    struct virtual_service *s = find_addr(st, service_meta(protocol, family, port), high, low);
    if (s == NULL && port != 0 && st->has_port_zero) {
        s = find_addr(st, service_meta(protocol, family, 0), high, low);
    }
    return s;
}

int service_table_init(struct service_table *st, struct virtual_service **services, int n);

int service_table_init(struct service_table *st, struct virtual_service **services, int n)
{
    int capacity = 4;
    while (capacity < n * 4) {
        capacity <<= 1;
    }
    memset(st, 0, sizeof *st);
    st->addr_mask = capacity - 1;
    st->addr_high = calloc((size_t)capacity, sizeof(uint64_t));
    st->addr_low = calloc((size_t)capacity, sizeof(uint64_t));
    st->addr_meta = calloc((size_t)capacity, sizeof(int));
    st->addr_service = calloc((size_t)capacity, sizeof(struct virtual_service *));
    if (!st->addr_high || !st->addr_low || !st->addr_meta || !st->addr_service) {
        return -1;
    }
    for (int k = 0; k < n; k++) {
        struct virtual_service *s = services[k];
        int meta = service_meta(s->protocol, IPV4, s->port);
        int i = service_hash(meta, 0, s->address) & st->addr_mask;
        while (st->addr_service[i] != NULL) {
            i = (i + 1) & st->addr_mask;
        }
        st->addr_meta[i] = meta;
        st->addr_low[i] = s->address;
        st->addr_service[i] = s;
        st->has_port_zero |= s->port == 0;
    }
    return 0;
}

/* ================================================================ Director */

static inline struct real_server *servers_get(const struct director *d, int id)
{
    return id > 0 && id < d->servers_length ? d->servers_by_id[id] : NULL;
}

static inline int timeout_for(const struct timeouts *t, int protocol, int state)
{
    if (protocol == P_TCP) {
        return state >= 0 && state < TS_COUNT ? t->tcp[state] : t->tcp[0];
    }
    return t->udp;
}

static void server_activity(struct real_server *rs, bool now_active)
{
    if (now_active) {
        atomic_fetch_add(&rs->active, 1);
        atomic_fetch_sub(&rs->inactive, 1);
    } else {
        atomic_fetch_sub(&rs->active, 1);
        atomic_fetch_add(&rs->inactive, 1);
    }
}

/* Director.advance: move the state for a packet and restart the timer */
static inline void advance(struct director *d, int h, struct real_server *rs, int proto, int direction, int event,
                           int64_t now, const struct timeouts *timeouts)
{
    struct conn_table *t = &d->table;
    int state = ct_state(t, h);
    const struct tcp_machine *tcp = atomic_load(&d->tcp_machine);
    for (;;) {
        if (state == STATE_GONE) {
            return;
        }
        int next = proto == P_TCP ? tcp_next(tcp, state, direction, event) : state;
        int timeout = timeout_for(timeouts, proto, next);
        if (next == state) {
            /* IPVS re-reads the state's timeout on every packet, so --set applies at once */
            ct_touch(t, h, timeout, now);
            return;
        }
        if (ct_compare_and_set_state(t, h, state, next, timeout, now)) {
            bool was = proto == P_TCP && tcp_state_active(state);
            bool is = proto == P_TCP && tcp_state_active(next);
            if (was != is) {
                server_activity(rs, is);
            }
            return;
        }
        state = ct_state(t, h);
    }
}

static inline void scratch_packet(struct scratch *s, struct pbuf *buf, bool reply)
{
    s->buffer = buf;
    s->family = s->info->family;
    s->l3_offset = s->info->l3_offset;
    s->l4_offset = s->info->l4_offset;
    s->protocol = s->info->protocol;
    s->reply = reply;
    s->icmp_error = false;
    s->inner_l3_offset = -1;
    s->inner_l4_offset = -1;
}

/* Scratch.connection: the connection's addresses, read from its entry */
static inline void scratch_connection(struct scratch *s, const struct conn_table *t, int h)
{
    _Atomic uint64_t *e = entry(t, h);
    uint64_t ctl = LOAD(e + W_CTL);
    bool v4 = ((ctl >> 32) & 0x7) == IPV4; /* each Java accessor checks the family */
    uint64_t k0 = LOAD(e + W_ADDR);
    uint64_t k1 = LOAD(e + W_KEY);
    s->handle = h;
    s->client_high = 0;
    s->client_low = v4 ? k0 >> 32 : 0;
    s->client_port = (int)(k1 >> 16) & 0xFFFF;
    s->virtual_high = 0;
    s->virtual_low = v4 ? k0 & 0xFFFFFFFFu : 0;
    s->virtual_port = (int)k1 & 0xFFFF;
    s->destination_high = 0;
    s->destination_low = v4 ? k1 >> 32 : 0;
    s->destination_port = (int)(LOAD(e + W_CTL) >> 48) & 0xFFFF;
}

static inline int dropped(struct director *d, int stripe, int reason)
{
    outcome_add(&d->outcomes, stripe, reason);
    return reason;
}

static inline int passed(struct director *d, int stripe)
{
    outcome_add(&d->outcomes, stripe, V_PASS);
    return V_PASS;
}

/* Director.rewrite */
static inline int do_rewrite(struct director *d, struct worker *w, struct scratch *s, struct real_server *rs)
{
    const struct rewriter *rewriter = d->rewriters[rs->config->method];
    if (rewriter == NULL) {
        return dropped(d, w->stripe, DROP_UNSUPPORTED);
    }
    int v = rewriter->rewrite(rewriter, s);
    /* tests in order of likelihood, as Java does */
    if (v == V_FORWARD) {
        outcome_add(&d->outcomes, w->stripe, V_FORWARD);
        return v;
    }
    if (v == V_REPLY) {
        outcome_add(&d->outcomes, w->stripe, V_REPLY);
        return v;
    }
    return v == V_PASS ? passed(d, w->stripe) : dropped(d, w->stripe, v);
}

/* Director.DROP_ENTRY_MAX_PACKETS: drop_entry spares any entry that has seen more inbound packets */
#define DROP_ENTRY_MAX_PACKETS 8

/* Director.inbound for an existing connection; -1 when it was expired to reschedule (never here) */
static int inbound(struct director *d, struct worker *w, struct pbuf *buf, struct service_set *set, int h, int proto,
                   int event)
{
    struct conn_table *t = &d->table;
    struct real_server *rs = servers_get(d, ct_real_server(t, h));
    bool new_conn = proto == P_TCP ? tcp_starts_connection(event) : true;
    if (rs == NULL || !atomic_load(&rs->in_service)) {
        return dropped(d, w->stripe, DROP_NO_REAL_SERVER);
    }
    if (new_conn && d->conn_reuse_mode != 0) {
        int state = ct_state(t, h);
        if (state == TS_TIME_WAIT || state == TS_CLOSE) {
            return dropped(d, w->stripe, DROP_UNSUPPORTED); /* rescheduling is not mirrored */
        }
    }
    struct scratch *s = &w->scratch;
    int flags = ct_flags(t, h);
    advance(d, h, rs, proto, (flags & CF_NO_OUTPUT) ? DIR_INPUT_ONLY : DIR_IN, event, s->now, &set->timeouts);
    if (ct_packets(t, h) <= DROP_ENTRY_MAX_PACKETS) {
        /* only drop_entry reads the count, and only up to 8: past that the entry is not written */
        ct_increment_packets(t, h);
    }
    scratch_packet(s, buf, false);
    scratch_connection(s, t, h);
    /* rememberFirstFragment: only an IPv4 first fragment goes to the fragment cache */
    if (s->info->first_fragment && s->info->family == IPV4) {
        return dropped(d, w->stripe, DROP_FRAGMENT); /* the fragment cache is not mirrored */
    }
    s->connection_protocol = proto;
    s->real_server = rs;
    int bytes = s->info->end - s->info->l3_offset;
    stats_in_packet(w->stripe, bytes, rs->stats, rs->service_stats, &d->totals);
    return do_rewrite(d, w, s, rs);
}

/* Director.outbound: a NAT real server's packet towards the client */
static int outbound(struct director *d, struct worker *w, struct pbuf *buf, struct service_set *set, int h, int proto,
                    int event)
{
    struct conn_table *t = &d->table;
    struct real_server *rs = servers_get(d, ct_real_server(t, h));
    if (rs == NULL) {
        return dropped(d, w->stripe, DROP_NO_REAL_SERVER);
    }
    struct scratch *s = &w->scratch;
    if (ct_flags(t, h) & CF_NO_OUTPUT) {
        ct_clear_flags(t, h, CF_NO_OUTPUT);
    }
    advance(d, h, rs, proto, DIR_OUT, event, s->now, &set->timeouts);
    scratch_packet(s, buf, true);
    scratch_connection(s, t, h);
    if (s->info->first_fragment && s->info->family == IPV4) {
        return dropped(d, w->stripe, DROP_FRAGMENT);
    }
    s->connection_protocol = proto;
    s->real_server = rs;
    int bytes = s->info->end - s->info->l3_offset;
    stats_out_packet(w->stripe, bytes, rs->stats, rs->service_stats, &d->totals);
    return do_rewrite(d, w, s, rs);
}

/* Director.transport: inbound lookup, else service table, else outbound lookup */
static int transport(struct director *d, struct worker *w, struct pbuf *buf, int proto, int fwmark)
{
    struct scratch *s = &w->scratch;
    struct packet_info *info = s->info;
    struct service_set *set = atomic_load(&d->current);
    int family = info->family;
    int event = proto == P_TCP ? info->tcp_flags : 0;
    int h = ct_lookup_inbound(&d->table, family, proto, info->src_high, info->src_low, info->src_port,
                              info->dst_high, info->dst_low, info->dst_port, s->now);
    if (h >= 0) {
        int v = inbound(d, w, buf, set, h, proto, event);
        if (v >= 0) {
            return v;
        }
    }
    /* asking the small, hot service table first spares packets to a virtual service the outbound probe */
    struct virtual_service *svc = service_lookup(&set->table, fwmark, proto, family, info->dst_high, info->dst_low,
                                                 info->dst_port);
    if (svc == NULL) {
        if (h < 0) {
            int o = ct_lookup_outbound(&d->table, family, proto, info->src_high, info->src_low, info->src_port,
                                       info->dst_high, info->dst_low, info->dst_port, s->now);
            if (o >= 0 && (ct_flags(&d->table, o) & CF_FWD_MASK) == CF_MASQ) {
                return outbound(d, w, buf, set, o, proto, event);
            }
        }
        return d->drop_non_service ? dropped(d, w->stripe, DROP_NO_SERVICE) : passed(d, w->stripe);
    }
    /* scheduling a new connection is not part of this baseline */
    return dropped(d, w->stripe, DROP_NO_CONNECTION);
}

/* Director.parsed: the rest of handle once scratch's info describes the packet */
static inline int handle_parsed(struct worker *w, struct pbuf *buf, enum parse_status status, bool timed, int64_t now)
{
    struct director *d = w->director;
    struct scratch *s = &w->scratch;
    struct packet_info *info = s->info;
    if (status != PARSE_OK) {
        /* non-first fragments (Java: the fragment cache, after reading the time) are not mirrored */
        return dropped(d, w->stripe, status == PARSE_NON_FIRST_FRAGMENT ? DROP_FRAGMENT : DROP_MALFORMED);
    }
    info->fwmark = 0;
    s->now = timed ? now : d->clock(d->clock_arg);
    int proto = info->protocol;
    if (proto == P_TCP || proto == P_UDP || proto == P_SCTP) {
        return transport(d, w, buf, proto, 0);
    }
    return passed(d, w->stripe);
}

/* Director.handle: timed, now is the caller's time; otherwise the clock is read once the packet is parsed */
static inline int handle(struct worker *w, struct pbuf *buf, bool timed, int64_t now)
{
    return handle_parsed(w, buf, parse_packet(buf, w->scratch.info), timed, now);
}

/* ConnectionTable.touch (the burst stage): the key's home bucket read, the first slot of its tag and
   direction as a hint */
static inline int ct_touch_bucket(const struct conn_table *t, uint64_t hash, int dir)
{
    const _Atomic uint32_t *sl = t->slots + ((size_t)((uint32_t)hash & t->bucket_mask) << BUCKET_SHIFT);
    uint32_t tag = ct_tag(t, hash);
    uint32_t mask = t->ref_mask;
    for (int i = 0; i < 8; i++) {
        uint32_t s = LOAD(sl + i);
        if (s != 0 && (s & ~mask) == tag) {
            uint32_t ref = (s & mask) - 1;
            if ((int)(ref & 1) == dir) {
                return (int)(ref >> 1);
            }
        }
    }
    return NOT_FOUND;
}

/* ConnectionTable.touchEntry (IPv4 only here) */
static inline uint64_t ct_touch_entry(const struct conn_table *t, int hint)
{
    if (hint < 0 || (uint32_t)hint >= t->max_connections) {
        return 0;
    }
    const _Atomic uint64_t *e = entry(t, hint);
    return LOAD(e + W_CTL) ^ LOAD(e + W_ADDR);
}

static inline bool has_ports(int protocol)
{
    return protocol == P_TCP || protocol == P_UDP || protocol == P_SCTP;
}

/* Burst.process: parse all, hash all and read their buckets, read their entries, then the rest in order */
void director_process_burst(struct worker *w, struct pbuf *const *packets, int n, int *verdicts, int64_t now)
{
    struct conn_table *t = &w->director->table;
    for (int i = 0; i < n; i++) {
        w->burst_status[i] = parse_packet(packets[i], &w->burst_info[i]);
    }
    /* Burst.SMALL_TABLE: a table this small stays in cache and the touches would only cost */
    if (atomic_load_explicit(&t->high_water, RELAXED) > (1 << 14)) {
        for (int i = 0; i < n; i++) {
            const struct packet_info *p = &w->burst_info[i];
            w->in_hint[i] = w->burst_status[i] == PARSE_OK && has_ports(p->protocol)
                ? ct_touch_bucket(t, ct_hash(t, IN, p->family, p->protocol, p->src_high, p->src_low, p->src_port,
                                             p->dst_high, p->dst_low, p->dst_port), IN)
                : NOT_FOUND;
        }
        for (int i = 0; i < n; i++) {
            const struct packet_info *p = &w->burst_info[i];
            bool syn = p->protocol == P_TCP && (p->tcp_flags & 0x12) == 0x02;
            w->out_hint[i] = w->in_hint[i] < 0 && !syn && w->burst_status[i] == PARSE_OK && has_ports(p->protocol)
                ? ct_touch_bucket(t, ct_hash(t, OUT, p->family, p->protocol, p->src_high, p->src_low, p->src_port,
                                             p->dst_high, p->dst_low, p->dst_port), OUT)
                : NOT_FOUND;
        }
        uint64_t read = 0;
        for (int i = 0; i < n; i++) {
            read ^= ct_touch_entry(t, w->in_hint[i]) ^ ct_touch_entry(t, w->out_hint[i]);
        }
        w->sink = read;
    }
    struct scratch *s = &w->scratch;
    for (int i = 0; i < n; i++) {
        s->info = &w->burst_info[i];
        verdicts[i] = handle_parsed(w, packets[i], (enum parse_status)w->burst_status[i], true, now);
    }
    s->info = &s->own_info;
}

/* Worker.process(ByteBuffer) */
int director_process_worker(struct worker *w, struct pbuf *buf)
{
    return handle(w, buf, false, 0);
}

/* Worker.process(packet, fwmark, hop, nowNanos) with fwmark 0 and no next hop */
int director_process_at(struct worker *w, struct pbuf *buf, int64_t now)
{
    return handle(w, buf, true, now);
}

/* Director.nanoTime() */
int64_t director_nano_time(const struct director *d)
{
    return d->clock(d->clock_arg);
}

/* Director.newWorker: the first STRIPES - 1 workers get an exclusive stripe, later ones the shared one */
struct worker *director_new_worker(struct director *d)
{
    struct worker *w = calloc(1, sizeof *w);
    if (w == NULL) {
        abort();
    }
    int n = atomic_fetch_add(&d->next_stripe, 1);
    w->director = d;
    w->stripe = n < SHARED_STRIPE && n >= 0 ? n : SHARED_STRIPE;
    w->scratch.info = &w->scratch.own_info;
    w->scratch.own_info.icmp_type = -1;
    for (int i = 0; i < BURST_MAX; i++) {
        w->burst_info[i].icmp_type = -1;
    }
    return w;
}

static _Thread_local struct worker *thread_worker;

int director_process(struct director *d, struct pbuf *buf)
{
    struct worker *w = thread_worker;
    if (w == NULL || w->director != d) {
        w = director_new_worker(d);
        thread_worker = w; /* one director per thread in this program: the old worker is not freed */
    }
    return director_process_worker(w, buf);
}

/* ================================================================ NatRewriter (IPv4, TCP and UDP) */

static inline int rs_mtu(const struct nat_rewriter *r, const struct real_server *rs)
{
    int mtu = rs == NULL ? 0 : rs->config->mtu;
    return mtu == 0 ? r->default_mtu : mtu;
}

static inline bool is_ftp_control(const struct nat_rewriter *r, int virtual_port)
{
    for (int i = 0; i < r->ftp_port_count; i++) {
        if (r->ftp_ports[i] == virtual_port) {
            return true;
        }
    }
    return false;
}

/* NatRewriter.checkTransport for TCP and UDP */
static inline int check_transport(const uint8_t *b, int l4, int expected_l4, int end, int proto)
{
    (void)b;
    if (l4 < expected_l4 || l4 > end) {
        return DROP_MALFORMED;
    }
    switch (proto) {
    case P_TCP:
        return l4 + 20 > end ? DROP_TRUNCATED : -1;
    case P_UDP:
        return l4 + 8 > end ? DROP_TRUNCATED : -1;
    default:
        return DROP_UNSUPPORTED;
    }
}

/* NatRewriter.transport */
static inline int nat_transport(const struct nat_rewriter *r, struct scratch *c, uint8_t *b, int l4, int proto,
                                bool reply, uint32_t old_addr, uint32_t new_addr)
{
    int port_off = reply ? l4 : l4 + 2;
    uint32_t old_port = get16(b + port_off);
    uint32_t new_port = (uint32_t)(reply ? c->virtual_port : c->destination_port);
    switch (proto) {
    case P_TCP: {
        uint32_t sum = get16(b + l4 + 16);
        sum = csum_update32(sum, old_addr, new_addr);
        sum = csum_update16(sum, old_port, new_port);
        put16(b + port_off, new_port);
        put16(b + l4 + 16, sum);
        if (r->ftp_helper && is_ftp_control(r, c->virtual_port)) {
            return DROP_UNSUPPORTED; /* the FTP helper is not mirrored */
        }
        return V_FORWARD;
    }
    case P_UDP: {
        uint32_t sum = get16(b + l4 + 6);
        put16(b + port_off, new_port);
        if (sum == 0) {
            return V_FORWARD;
        }
        sum = csum_update32(sum, old_addr, new_addr);
        sum = csum_update16(sum, old_port, new_port);
        put16(b + l4 + 6, sum == 0 ? 0xFFFF : sum);
        return V_FORWARD;
    }
    default:
        return DROP_UNSUPPORTED;
    }
}

/* NatRewriter.rewrite4 without ICMP errors and ICMP generation */
static int nat_rewrite4(const struct nat_rewriter *r, struct scratch *c, uint8_t *b, int l3, int limit)
{
    if (l3 + 20 > limit) {
        return DROP_TRUNCATED;
    }
    int ihl = (b[l3] & 0x0F) << 2;
    int total = (int)get16(b + l3 + 2);
    if (ihl < 20 || total < ihl || total > limit - l3) {
        return DROP_MALFORMED;
    }
    int end = l3 + total;
    uint32_t frag_field = get16(b + l3 + 6);
    bool non_first = (frag_field & 0x1FFF) != 0;
    int ttl = b[l3 + 8];
    bool reply = c->reply;
    int proto = b[l3 + 9];
    if (c->icmp_error) {
        return DROP_UNSUPPORTED; /* ICMP error translation is not mirrored */
    }
    if (r->decrement_ttl && ttl <= 1) {
        return DROP_TTL_EXPIRED; /* Java answers with ICMP time exceeded; not mirrored */
    }
    if (!reply && total > rs_mtu(r, c->real_server) && (frag_field & 0x4000) != 0) {
        return DROP_TOO_BIG; /* Java answers with fragmentation needed; not mirrored */
    }
    int addr_off = reply ? l3 + 12 : l3 + 16;
    uint32_t old_addr = get32(b + addr_off);
    uint32_t new_addr = (uint32_t)(reply ? c->virtual_low : c->destination_low);
    int l4 = -1;
    if (!non_first) {
        l4 = c->l4_offset;
        int refused = check_transport(b, l4, l3 + ihl, end, proto);
        if (refused >= 0) {
            return refused;
        }
    }
    uint32_t hc = get16(b + l3 + 10);
    hc = csum_update32(hc, old_addr, new_addr);
    if (r->decrement_ttl) {
        uint32_t word = get16(b + l3 + 8);
        hc = csum_update16(hc, word, word - 0x100);
        b[l3 + 8] = (uint8_t)(ttl - 1);
    }
    put32(b + addr_off, new_addr);
    put16(b + l3 + 10, hc);
    if (non_first) {
        return V_FORWARD;
    }
    return nat_transport(r, c, b, l4, proto, reply, old_addr, new_addr);
}

/*
 * NatRewriter.tcp4: the established TCP segment (a whole IPv4 datagram, TTL above 1, within the MTU,
 * not an FTP control connection) rewritten with the header read as two longs and an int and each
 * checksum updated with one fold. Returns false, having written nothing, for anything else, which
 * nat_rewrite4 then handles in full.
 */
static inline bool nat_tcp4(const struct nat_rewriter *r, const struct scratch *c, uint8_t *b, int l3, int limit)
{
    uint64_t w0 = get64(b + l3);     /* version, IHL, TOS, total length, identification, flags, fragment offset */
    uint64_t w1 = get64(b + l3 + 8); /* TTL, protocol, checksum, source */
    int ihl = (int)(w0 >> 54) & 0x3C;
    int total = (int)(w0 >> 32) & 0xFFFF;
    uint32_t frag_field = (uint32_t)w0 & 0xFFFF;
    int ttl = (int)(w1 >> 56);
    if ((int)((w1 >> 48) & 0xFF) != P_TCP || ihl < 20 || total < ihl || total > limit - l3
        || (frag_field & (0x2000 | 0x1FFF)) != 0 || (r->decrement_ttl && ttl <= 1) || c->icmp_error) {
        return false;
    }
    int end = l3 + total;
    int l4 = c->l4_offset;
    if (l4 < l3 + ihl || l4 > end - 20) {
        return false;
    }
    bool reply = c->reply;
    if ((r->ftp_helper && is_ftp_control(r, c->virtual_port))
        || (!reply && (frag_field & 0x4000) != 0 && total > rs_mtu(r, c->real_server))) {
        return false;
    }
    uint32_t new_port = (uint32_t)(reply ? c->virtual_port : c->destination_port);
    int addr_off = reply ? l3 + 12 : l3 + 16;
    uint32_t old_addr = reply ? (uint32_t)w1 : get32(b + addr_off);
    uint32_t new_addr = (uint32_t)(reply ? c->virtual_low : c->destination_low);
    /* header checksum: address and, with the TTL, the TTL/protocol word (RFC 1624, one fold) */
    uint64_t acc = (~(w1 >> 32) & 0xFFFF) + (~old_addr >> 16) + (~old_addr & 0xFFFF) + (new_addr >> 16)
                 + (new_addr & 0xFFFF);
    if (r->decrement_ttl) {
        /* the TTL is the high byte of its word: ~m + m' = 0xFFFF - 0x100 */
        acc += 0xFEFF;
        b[l3 + 8] = (uint8_t)(ttl - 1);
    }
    put32(b + addr_off, new_addr);
    put16(b + l3 + 10, ~csum_fold(acc) & 0xFFFF);
    uint32_t ports = get32(b + l4);
    uint32_t old_port = reply ? ports >> 16 : ports & 0xFFFF;
    uint32_t sum = get16(b + l4 + 16);
    uint64_t tacc = (~sum & 0xFFFF) + (~old_addr >> 16) + (~old_addr & 0xFFFF) + (new_addr >> 16)
                  + (new_addr & 0xFFFF) + (~old_port & 0xFFFF) + new_port;
    put32(b + l4, reply ? new_port << 16 | (ports & 0xFFFF) : (ports & 0xFFFF0000u) | new_port);
    put16(b + l4 + 16, ~csum_fold(tacc) & 0xFFFF);
    return true;
}

/* NatRewriter.rewrite */
static int nat_rewrite(const struct rewriter *self, struct scratch *c)
{
    const struct nat_rewriter *r = (const struct nat_rewriter *)self;
    struct pbuf *buf = c->buffer;
    int l3 = c->l3_offset;
    int limit = buf->limit;
    if (l3 < 0 || l3 >= limit) {
        return DROP_MALFORMED;
    }
    int version = (buf->data[l3] & 0xF0) >> 4;
    if (version == 4 && c->family == IPV4) {
        /* the fast path reads several fields in one word, which needs network byte order */
        return buf->big_endian && l3 + 20 <= limit && nat_tcp4(r, c, buf->data, l3, limit)
            ? V_FORWARD : nat_rewrite4(r, c, buf->data, l3, limit);
    }
    return version == 6 ? DROP_UNSUPPORTED : DROP_MALFORMED;
}

static const int default_ftp_ports[] = {21};

void nat_rewriter_init(struct nat_rewriter *r)
{
    r->base.method = FWD_MASQUERADE;
    r->base.rewrite = nat_rewrite;
    r->decrement_ttl = true;
    r->default_mtu = 1500;
    r->ftp_ports = default_ftp_ports;
    r->ftp_port_count = 1;
    r->ftp_helper = true;
}

static int pass_through(const struct rewriter *self, struct scratch *c)
{
    (void)self;
    (void)c;
    return V_FORWARD;
}

const struct rewriter pass_through_rewriter = {FWD_DIRECT_ROUTE, pass_through};
