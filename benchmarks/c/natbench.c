/*
 * natbench: times the C baseline of one Java benchmark (see README.md).
 *
 *   natbench nat-in     N   NatBenchmark.directorInbound (IPv4): copy the 60-byte packet of the
 *                           connection next = (next + 7919) & (N - 1) into the work buffer, process
 *                           it through director_process (thread-local worker, a clock read per packet)
 *   natbench nat-out    N   NatBenchmark.directorOutbound (IPv4): the real server's reply
 *   natbench worker-in  N   NatBenchmark.workerInbound: the same through a worker, the clock read
 *                           once per 32 packets and passed in (Worker.process(packet, 0, null, now))
 *   natbench worker-out N   NatBenchmark.workerOutbound
 *   natbench burst-in   N   NatBenchmark.burstInbound: the next 32 packets of the walk copied into 32
 *                           buffers and processed as one staged burst (Worker.process(packets, ...)),
 *                           one clock reading per burst; the time is per packet
 *   natbench burst-out  N   NatBenchmark.burstOutbound
 *   natbench dr         N   DirectorBenchmark.established, 1 thread: pass-through rewriter, a fake
 *                           clock, one 40-byte buffer whose client address is set per call, stride 7919
 *
 * Options after N: -w warm-up runs (3), -r measured runs (7), -t seconds per run (1.0),
 * -c mono|fake: the director's clock (nat and worker modes default to mono,
 * clock_gettime(CLOCK_MONOTONIC) as Java's System::nanoTime; dr defaults to fake, an atomic load, as
 * DirectorBenchmark's). Prints every run's ns/op, then the median, mean, min and max, and checks the
 * output (full checksum recomputation) and the counters before and after timing.
 */
#define _GNU_SOURCE
#include "ippvs_nat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int service_table_init(struct service_table *st, struct virtual_service **services, int n);

static const uint32_t CLIENT = 0xC6336407;  /* 198.51.100.7 */
static const uint32_t VIP = 0xC0000201;     /* 192.0.2.1 */
static const uint32_t SERVER = 0x0A010102;  /* 10.1.1.2 */
static const uint32_t DR_CLIENT_BASE = 0x0A000000; /* 10.0.0.0/8 */
static const uint32_t DR_SERVER_BASE = 0xC633640A; /* 198.51.100.10 .. 17 */
/* NatBenchmark.Flows: client ports 10000 + i % 50000, the client address i / 50000 past 198.51.100.7 */
#define PORTS_PER_CLIENT 50000
/* NatBenchmark.Lane.STRIDE and DirectorBenchmark's stride */
#define STRIDE 7919
/* NatBenchmark.Lane.BURST: packets per clock reading in the worker modes */
#define BURST 32
/* inbound packets each connection has counted when timing starts: NatBenchmark's setup sends SYN, ACK
   and the check packet; DirectorBenchmark's SYN and ACK */
#define NAT_SETUP_PACKETS 3
#define DR_SETUP_PACKETS 2
/* Director.DROP_ENTRY_MAX_PACKETS + 1: the most a connection's packet counter reaches */
#define PACKET_COUNT_CAP 9

enum mode { NAT_IN, NAT_OUT, WORKER_IN, WORKER_OUT, BURST_IN, BURST_OUT, DR };

static const char *const MODE_NAMES[] = {"nat-in", "nat-out", "worker-in", "worker-out", "burst-in", "burst-out", "dr"};

struct bench {
    enum mode mode;
    uint32_t connections;
    struct director d;
    struct worker *worker; /* dr, worker-*: Lane.worker; nat-* go through the thread-local, as Director.process(ByteBuffer) */
    struct service_set set;
    struct virtual_service service;
    struct real_server_config rs_config[8];
    struct real_server rs[8];
    struct real_server *by_id[9];
    struct nat_rewriter nat;
    uint8_t *templates; /* nat, worker: one packet per connection, back to back (Flows.inboundPackets) */
    int template_length;
    struct pbuf work;
    struct pbuf burst[BURST];      /* burst-*: Lane.burst */
    struct pbuf *burst_ptr[BURST];
    int verdicts[BURST];           /* burst-*: Lane.verdicts */
    uint32_t next;      /* Lane.next (NatBenchmark) or Lane.index (DirectorBenchmark) */
    uint32_t start;     /* where the walk started */
    uint32_t count;     /* worker: Lane.count */
    int64_t now;        /* worker: Lane.now */
    uint64_t walked;    /* operations timed: steps of the walk */
    uint32_t verified[8]; /* connections processed once more by verify_packet */
    int verified_count;
    uint64_t processed; /* packets handed to the director */
    int64_t last_run_start; /* wall_nanos() when the last timed run started */
    uint64_t last_run_ops;  /* and its operations */
    uint64_t sink;
    bool fake_clock;
};

static _Atomic int64_t fake_now = 1000000000000LL;

static int64_t fake_clock(void *arg)
{
    (void)arg;
    return atomic_load(&fake_now); /* AtomicLong::get, a volatile read */
}

static int64_t wall_nanos(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---------------------------------------------------------------- reference checksums (independent) */

static uint32_t sum16(const uint8_t *p, int length, uint32_t initial)
{
    uint64_t acc = initial;
    int i = 0;
    for (; i + 1 < length; i += 2) {
        acc += (uint32_t)p[i] << 8 | p[i + 1];
    }
    if (i < length) {
        acc += (uint32_t)p[i] << 8;
    }
    while (acc >> 16) {
        acc = (acc & 0xFFFF) + (acc >> 16);
    }
    return (uint32_t)acc;
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t rd16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void wr16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint32_t tcp_pseudo(const uint8_t *ip, int tcp_length)
{
    return sum16(ip + 12, 8, 6u + (uint32_t)tcp_length);
}

/* PacketBuilder.ipv4(src, dst).tcp(sport, dport).flags(ACK).seq(seq).ack(ack).payload(20 zero bytes) */
static int build_tcp(uint8_t *p, uint32_t src, uint32_t dst, int sport, int dport, uint32_t seq, uint32_t ack)
{
    int total = 60;
    memset(p, 0, (size_t)total);
    p[0] = 0x45;
    wr16(p + 2, (uint32_t)total);
    wr16(p + 4, 0x1c46);
    p[8] = 64;
    p[9] = P_TCP;
    wr32(p + 12, src);
    wr32(p + 16, dst);
    wr16(p + 10, ~sum16(p, 20, 0) & 0xFFFF);
    uint8_t *t = p + 20;
    wr16(t, (uint32_t)sport);
    wr16(t + 2, (uint32_t)dport);
    wr32(t + 4, seq);
    wr32(t + 8, ack);
    t[12] = 5 << 4;
    t[13] = 0x10;
    wr16(t + 14, 65535);
    wr16(t + 16, ~sum16(t, total - 20, tcp_pseudo(p, total - 20)) & 0xFFFF);
    return total;
}

static uint32_t nat_client(uint32_t i)
{
    return CLIENT + i / PORTS_PER_CLIENT;
}

static int nat_port(uint32_t i)
{
    return 10000 + (int)(i % PORTS_PER_CLIENT);
}

/* ---------------------------------------------------------------- setup */

static void setup(struct bench *b)
{
    struct director *d = &b->d;
    bool nat = b->mode != DR; /* NatBenchmark (director or worker cases) */
    uint32_t n = b->connections;
    uint32_t max = nat ? n * 4 : (n * 4 > 65536 ? n * 4 : 65536);
    if (ct_init(&d->table, max, 7) != 0) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    d->clock = b->fake_clock ? fake_clock : monotonic_nanos; /* NatBenchmark: System::nanoTime, the default */
    d->clock_arg = NULL;
    d->conn_reuse_mode = 1;
    atomic_store(&d->tcp_machine, tcp_machine_normal());
    static const int tcp_timeouts[TS_COUNT] = {2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120};
    memcpy(b->set.timeouts.tcp, tcp_timeouts, sizeof tcp_timeouts);
    b->set.timeouts.udp = 300;
    b->service = (struct virtual_service){.protocol = P_TCP, .address = VIP, .port = 80};
    struct virtual_service *services[] = {&b->service};
    if (service_table_init(&b->set.table, services, 1) != 0) {
        exit(2);
    }
    atomic_store(&d->current, &b->set);
    nat_rewriter_init(&b->nat);
    d->rewriters[FWD_MASQUERADE] = &b->nat.base;
    d->rewriters[FWD_DIRECT_ROUTE] = &pass_through_rewriter;
    int servers = nat ? 1 : 8;
    for (int k = 0; k < servers; k++) {
        b->rs_config[k] = nat ? (struct real_server_config){SERVER, 8080, FWD_MASQUERADE, 1, 0}
                              : (struct real_server_config){DR_SERVER_BASE + (uint32_t)k, 80, FWD_DIRECT_ROUTE, 1, 0};
        b->rs[k].id = k + 1;
        b->rs[k].config = &b->rs_config[k];
        atomic_store(&b->rs[k].in_service, true);
        b->rs[k].stats = aligned_alloc(64, sizeof(struct traffic_stats));
        memset(b->rs[k].stats, 0, sizeof(struct traffic_stats));
        b->rs[k].service_stats = &b->service.stats;
        b->by_id[k + 1] = &b->rs[k];
    }
    d->servers_by_id = b->by_id;
    d->servers_length = servers + 1;

    /* the connections, as the handshake leaves them: ESTABLISHED, handles 0..n-1 in order */
    int64_t now = d->clock(d->clock_arg);
    for (uint32_t i = 0; i < n; i++) {
        struct conn_spec s = {.family = IPV4, .protocol = P_TCP, .timeout_seconds = 900,
                              .state = TS_ESTABLISHED, .template_handle = NO_HANDLE,
                              .packets = nat ? NAT_SETUP_PACKETS : DR_SETUP_PACKETS};
        if (nat) {
            s.client = nat_client(i);
            s.client_port = nat_port(i);
            s.virtual_addr = VIP;
            s.virtual_port = 80;
            s.destination = SERVER;
            s.destination_port = 8080;
            s.flags = CF_MASQ; /* the SYN-ACK cleared NO_OUTPUT */
            s.real_server = 1;
        } else {
            s.client = DR_CLIENT_BASE + i;
            s.client_port = 40000;
            s.virtual_addr = VIP;
            s.virtual_port = 80;
            s.destination = DR_SERVER_BASE + i % 8; /* wlc over 8 equal servers spreads them evenly */
            s.destination_port = 80;
            s.flags = CF_DROUTE | CF_NO_OUTPUT;
            s.real_server = 1 + (int)(i % 8);
        }
        int h = ct_insert(&d->table, &s, now);
        if (h != (int)i) {
            fprintf(stderr, "insert %u gave %d\n", i, h);
            exit(2);
        }
        atomic_fetch_add(&b->rs[s.real_server - 1].active, 1);
    }

    b->work.capacity = 256;
    b->work.data = aligned_alloc(64, 256);
    b->work.big_endian = true; /* a fresh ByteBuffer's order */
    for (int k = 0; k < BURST; k++) {
        b->burst[k] = b->work; /* ByteBuffer.allocateDirect(256) each, as Lane.burst */
        b->burst[k].data = aligned_alloc(64, 256);
        memset(b->burst[k].data, 0, 256);
        b->burst_ptr[k] = &b->burst[k];
    }
    b->worker = director_new_worker(d); /* Lane.setUp: shared.director.newWorker() */
    if (nat) {
        /* Flows.inboundPackets / outboundPackets: one array, the packets back to back */
        b->template_length = 60;
        b->templates = aligned_alloc(64, ((size_t)n * 60 + 63) / 64 * 64);
        bool in = b->mode == NAT_IN || b->mode == WORKER_IN || b->mode == BURST_IN;
        for (uint32_t i = 0; i < n; i++) {
            uint8_t *p = b->templates + (size_t)i * 60;
            int length = in ? build_tcp(p, nat_client(i), VIP, nat_port(i), 80, 1001, 5001)
                            : build_tcp(p, SERVER, nat_client(i), 8080, nat_port(i), 5001, 1021);
            if (length != b->template_length) {
                exit(2);
            }
        }
    } else {
        /* DirectorBenchmark.packet(): no checksums (the director does not verify them) */
        uint8_t *p = b->work.data;
        memset(p, 0, 40);
        p[0] = 0x45;
        wr16(p + 2, 40);
        p[8] = 64;
        p[9] = P_TCP;
        wr32(p + 12, DR_CLIENT_BASE);
        wr32(p + 16, VIP);
        wr16(p + 20, 40000);
        wr16(p + 22, 80);
        p[32] = 0x50;
        p[33] = 0x10;
        wr16(p + 34, 65535);
        b->work.position = 0;
        b->work.limit = 40;
    }
    /* Lane.setUp: the first thread starts its walk at 0 */
    b->next = b->start = 0;
}

/* ---------------------------------------------------------------- one benchmark operation */

/* the connection after i in the walk: NatBenchmark.Lane.advance, or DirectorBenchmark.established's */
static inline uint32_t walk(const struct bench *b, uint32_t i)
{
    if (b->mode != DR) {
        return (i + STRIDE) & (b->connections - 1);
    }
    uint32_t n = b->connections;
    i += STRIDE;
    if (i >= n) {
        i -= n;
        if (i >= n) {
            i %= n;
        }
    }
    return i;
}

/* Lane.copy: work.clear(); work.put(packets, i * length, length); work.flip() */
static inline void copy_packet(struct bench *b, uint32_t i)
{
    b->work.position = 0;
    memcpy(b->work.data, b->templates + (size_t)i * (size_t)b->template_length, (size_t)b->template_length);
    b->work.limit = b->template_length;
}

/* Lane.processBurst: every 32nd operation copies the next 32 packets of the walk and processes them
   as one burst; each operation is one packet of it */
static inline int burst_op(struct bench *b)
{
    uint32_t k = b->count++ & (BURST - 1);
    if (k == 0) {
        for (int j = 0; j < BURST; j++) {
            uint32_t i = b->next = walk(b, b->next);
            struct pbuf *p = &b->burst[j];
            p->position = 0;
            memcpy(p->data, b->templates + (size_t)i * (size_t)b->template_length, (size_t)b->template_length);
            p->limit = b->template_length;
        }
        director_process_burst(b->worker, b->burst_ptr, BURST, b->verdicts, director_nano_time(&b->d));
    }
    return b->verdicts[k];
}

static inline int op(struct bench *b)
{
    if (b->mode == BURST_IN || b->mode == BURST_OUT) {
        return burst_op(b);
    }
    uint32_t i = b->next = walk(b, b->next);
    switch (b->mode) {
    case NAT_IN:
    case NAT_OUT:
        /* NatBenchmark.directorInbound / directorOutbound: Lane.process */
        copy_packet(b, i);
        return director_process(&b->d, &b->work);
    case WORKER_IN:
    case WORKER_OUT:
        /* NatBenchmark.workerInbound / workerOutbound: Lane.processInBurst */
        if ((b->count++ & (BURST - 1)) == 0) {
            b->now = director_nano_time(&b->d);
        }
        copy_packet(b, i);
        return director_process_at(b->worker, &b->work, b->now);
    default:
        /* DirectorBenchmark.established */
        wr32(b->work.data + 12, DR_CLIENT_BASE + i);
        return director_process_worker(b->worker, &b->work);
    }
}

#define CHUNK 4096

/* runs whole chunks of operations for at least `seconds`; returns ns per operation */
static double timed_run(struct bench *b, double seconds)
{
    uint64_t sink = 0;
    uint64_t ops = 0;
    int64_t limit = (int64_t)(seconds * 1e9);
    int64_t start = wall_nanos();
    int64_t elapsed;
    b->last_run_start = start;
    do {
        for (int k = 0; k < CHUNK; k++) {
            sink += (uint64_t)op(b);
        }
        ops += CHUNK;
        elapsed = wall_nanos() - start;
    } while (elapsed < limit);
    b->processed += ops;
    b->walked += ops;
    b->last_run_ops = ops;
    /* every verdict must be FORWARD (0); the sum keeps the calls alive */
    b->sink += sink + b->work.data[b->mode == NAT_OUT || b->mode == WORKER_OUT ? 12 : 16] + b->burst[BURST - 1].data[16];
    return (double)elapsed / (double)ops;
}

/* ---------------------------------------------------------------- verification */

static int failures;

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "VERIFY FAILED: %s\n", what);
        failures++;
    }
}

static bool outbound_mode(const struct bench *b)
{
    return b->mode == NAT_OUT || b->mode == WORKER_OUT || b->mode == BURST_OUT;
}

/* the output of connection i's packet: every checksum recomputed, the right fields rewritten */
static void check_output(struct bench *b, uint32_t i, const uint8_t *out, int v)
{
    const uint8_t *in = b->templates + (size_t)i * (size_t)b->template_length;
    int len = b->template_length;
    check(v == V_FORWARD, "verdict is FORWARD");
    check(sum16(out, 20, 0) == 0xFFFF, "IPv4 header checksum (full recomputation)");
    check(sum16(out + 20, len - 20, tcp_pseudo(out, len - 20)) == 0xFFFF, "TCP checksum (full recomputation)");
    check(out[8] == in[8] - 1, "TTL decremented");
    if (!outbound_mode(b)) {
        check(rd32(out + 12) == nat_client(i) && rd16(out + 20) == (uint32_t)nat_port(i), "source kept");
        check(rd32(out + 16) == SERVER && rd16(out + 22) == 8080, "destination is the real server");
    } else {
        check(rd32(out + 12) == VIP && rd16(out + 20) == 80, "source is the virtual address");
        check(rd32(out + 16) == nat_client(i) && rd16(out + 22) == (uint32_t)nat_port(i), "destination kept");
    }
    check(memcmp(out, in, 8) == 0 && out[9] == in[9], "version, lengths, identification, fragment field, protocol untouched");
    check(memcmp(out + 24, in + 24, 12) == 0 && memcmp(out + 40, in + 40, (size_t)len - 40) == 0,
          "sequence numbers, flags, window and payload untouched");
}

/* processes connection i's packet once more, the way the mode does, and recomputes every checksum of the result */
static void verify_packet(struct bench *b, uint32_t i)
{
    if (b->verified_count < 4) {
        b->verified[b->verified_count++] = i;
    }
    if (b->mode == DR) {
        wr32(b->work.data + 12, DR_CLIENT_BASE + i);
        uint8_t before[40];
        memcpy(before, b->work.data, 40);
        int v = director_process_worker(b->worker, &b->work);
        b->processed++;
        check(v == V_FORWARD, "dr verdict is FORWARD");
        check(memcmp(before, b->work.data, 40) == 0, "dr leaves the packet as it was");
        return;
    }
    if (b->mode == BURST_IN || b->mode == BURST_OUT) {
        /* a burst of two: connection i and the one after it in the walk, each checked in its own slot */
        uint32_t j = walk(b, i);
        if (b->verified_count < 8) {
            b->verified[b->verified_count++] = j;
        }
        uint32_t c[2] = {i, j};
        for (int k = 0; k < 2; k++) {
            struct pbuf *p = &b->burst[k];
            p->position = 0;
            memcpy(p->data, b->templates + (size_t)c[k] * (size_t)b->template_length, (size_t)b->template_length);
            p->limit = b->template_length;
        }
        int verdicts[2];
        director_process_burst(b->worker, b->burst_ptr, 2, verdicts, director_nano_time(&b->d));
        b->processed += 2;
        for (int k = 0; k < 2; k++) {
            check_output(b, c[k], b->burst[k].data, verdicts[k]);
        }
        return;
    }
    copy_packet(b, i);
    int v = b->mode == NAT_IN || b->mode == NAT_OUT
        ? director_process(&b->d, &b->work)
        : director_process_at(b->worker, &b->work, director_nano_time(&b->d));
    b->processed++;
    check_output(b, i, b->work.data, v);
}

/* the counters must have seen every packet: the work was done, not skipped */
static void verify_counters(struct bench *b)
{
    struct director *d = &b->d;
    bool out = outbound_mode(b);
    int index = out ? TS_OUT_PKTS : TS_IN_PKTS;
    int bytes = out ? TS_OUT_BYTES : TS_IN_BYTES;
    int length = b->mode == DR ? 40 : b->template_length;
    uint64_t server_packets = 0;
    for (int k = 0; k < d->servers_length - 1; k++) {
        server_packets += stats_sum(b->rs[k].stats->cells, STATS_STRIDE, index);
    }
    check(stats_sum(d->totals.cells, STATS_STRIDE, index) == b->processed, "total packet counter");
    check(stats_sum(d->totals.cells, STATS_STRIDE, bytes) == b->processed * (uint64_t)length, "total byte counter");
    check(stats_sum(b->service.stats.cells, STATS_STRIDE, index) == b->processed, "service packet counter");
    check(stats_sum(b->service.stats.cells, STATS_STRIDE, bytes) == b->processed * (uint64_t)length,
          "service byte counter");
    check(server_packets == b->processed, "real server packet counters");
    check(stats_sum(d->outcomes.cells, OUTCOME_STRIDE, V_FORWARD) == b->processed, "forwarded counter");
    /*
     * Per connection: the inbound packets it saw, replayed from the walk, counted up to the cap
     * (Director counts while the count is at most 8); outbound packets are not counted, as in Java.
     */
    uint32_t n = b->connections;
    uint32_t *visits = calloc(n, sizeof *visits);
    if (visits == NULL) {
        exit(2);
    }
    if (!out) {
        uint64_t rounds = b->walked / n;
        uint64_t rest = b->walked % n; /* the walk visits every connection once per n steps */
        for (uint32_t h = 0; h < n; h++) {
            visits[h] = rounds > UINT32_MAX ? UINT32_MAX : (uint32_t)rounds;
        }
        uint32_t i = b->start;
        for (uint64_t k = 0; k < rest; k++) {
            i = walk(b, i);
            visits[i]++;
        }
        for (int k = 0; k < b->verified_count; k++) {
            visits[b->verified[k]]++;
        }
    }
    uint64_t initial = b->mode == DR ? DR_SETUP_PACKETS : NAT_SETUP_PACKETS;
    /*
     * When the last timed run visited every connection, each had its timer restarted then
     * (ConnectionTable.touch leaves it at most TOUCH_SLACK_NANOS behind): with the real clock, its
     * expiry is 900 s after a time between that run's start and now. (The fake clock stands still.)
     */
    bool timers = true;
    bool check_timers = !b->fake_clock && b->last_run_ops >= n;
    int64_t low = b->last_run_start + 900 * 1000000000LL - (1LL << 20), high = wall_nanos() + 900 * 1000000000LL;
    bool counts = true, established = true;
    for (uint32_t h = 0; h < n; h++) {
        int64_t expiry = ct_expiry(&d->table, (int)h);
        timers &= !check_timers || (expiry >= low && expiry <= high);
        uint64_t expected = initial + visits[h] < PACKET_COUNT_CAP ? initial + visits[h] : PACKET_COUNT_CAP;
        counts &= ct_packets(&d->table, (int)h) == expected;
        established &= ct_state(&d->table, (int)h) == TS_ESTABLISHED;
    }
    free(visits);
    check(established, "every connection still ESTABLISHED");
    check(timers, "every connection's timer restarted during the timed runs");
    check(counts, "per-connection packet counters (inbound only, capped at 9)");
}

/* ---------------------------------------------------------------- main */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s nat-in|nat-out|worker-in|worker-out|burst-in|burst-out|dr CONNECTIONS [-w warmups] [-r runs]"
                        " [-t seconds] [-c mono|fake]\n", argv[0]);
        return 2;
    }
    static struct bench b;
    int mode = 0;
    while (mode <= DR && strcmp(argv[1], MODE_NAMES[mode]) != 0) {
        mode++;
    }
    if (mode > DR) {
        fprintf(stderr, "unknown mode %s\n", argv[1]);
        return 2;
    }
    b.mode = (enum mode)mode;
    b.connections = (uint32_t)strtoul(argv[2], NULL, 10);
    int warmups = 3, runs = 7;
    double seconds = 1.0;
    const char *clock_name = b.mode == DR ? "fake" : "mono";
    for (int a = 3; a + 1 < argc; a += 2) {
        if (strcmp(argv[a], "-w") == 0) {
            warmups = atoi(argv[a + 1]);
        } else if (strcmp(argv[a], "-r") == 0) {
            runs = atoi(argv[a + 1]);
        } else if (strcmp(argv[a], "-t") == 0) {
            seconds = atof(argv[a + 1]);
        } else if (strcmp(argv[a], "-c") == 0) {
            clock_name = argv[a + 1];
        }
    }
    if (b.connections == 0 || (b.mode != DR && (b.connections & (b.connections - 1)) != 0) || runs < 1
        || runs > 100) {
        fprintf(stderr, "nat modes need a power-of-two number of connections; 1..100 runs\n");
        return 2;
    }
    b.fake_clock = strcmp(clock_name, "fake") == 0;
    setup(&b);
    verify_packet(&b, 0); /* a check before timing, as the Java setups check their packets */
    for (int k = 0; k < warmups; k++) {
        printf("warm-up %d: %.2f ns/op\n", k + 1, timed_run(&b, seconds));
    }
    double results[100];
    for (int k = 0; k < runs; k++) {
        results[k] = timed_run(&b, seconds);
        printf("run %d: %.2f ns/op\n", k + 1, results[k]);
    }
    verify_packet(&b, walk(&b, b.next));
    verify_counters(&b);
    double mean = 0;
    for (int k = 0; k < runs; k++) {
        mean += results[k];
    }
    mean /= runs;
    qsort(results, (size_t)runs, sizeof(double), compare_doubles);
    double median = runs % 2 ? results[runs / 2] : (results[runs / 2 - 1] + results[runs / 2]) / 2;
    printf("%s clock=%s connections=%u median=%.2f mean=%.2f min=%.2f max=%.2f ns/op (%d x %.1f s after %d warm-up)"
           " table=%.1f B/conn-slot verified=%s sink=%llu\n",
           argv[1], clock_name, b.connections, median, mean, results[0], results[runs - 1], runs, seconds, warmups,
           (double)ct_footprint_bytes(&b.d.table) / b.d.table.max_connections, failures ? "NO" : "yes",
           (unsigned long long)(b.sink & 0xFF));
    return failures ? 1 : 0;
}
