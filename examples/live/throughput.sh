#!/bin/sh
# Bulk TCP through the TUN director against plain kernel forwarding on the same topology.
#
#   throughput.sh [JAR] [SECONDS]      (root; JAR: examples/target/ippvs-examples.jar, SECONDS: 10)
#
#   PREFIX-client  eth0 10.10.1.2/24 fd00:1::2/64 ---- cl0 10.10.1.1 fd00:1::1   PREFIX-director
#   PREFIX-rs1     eth0 10.10.11.2/24 fd00:11::2/64 -- rs1 10.10.11.1 fd00:11::1   tun0 (multi_queue)
#
# Kernel forwarding: the client sends to the real server's own address, the director namespace
# routes it (ip_forward). Director: the client sends to the VIP (10.10.200.200, fd00:200::200), which
# the director namespace routes into tun0; the TUN director (NAT, offloads on) translates it and the
# kernel forwards it out rs1; replies arriving on rs1 go through tun0 by a policy rule. iperf3 runs
# SECONDS seconds with 1 and 4 streams, IPv4 and IPv6, against the kernel, the director with one
# thread and the director with two (--threads 2). The director's counters (drops, packets refused by
# the kernel) and tun0's kernel-side drops are printed after each director run. Installs iperf3
# from Debian when it is missing. Everything lives in namespaces named PREFIX-* (PREFIX unique per
# run) and is removed on exit, also after a failure.
set -eu

JAR=${1:-examples/target/ippvs-examples.jar}
SECONDS_PER_RUN=${2:-10}
PREFIX=ippvs-tp$$
CLIENT=$PREFIX-client
DIRECTOR=$PREFIX-director
SERVER=$PREFIX-rs1
VIP4=10.10.200.200
VIP6=fd00:200::200
RS4=10.10.11.2
RS6=fd00:11::2
WORK=$(mktemp -d)

[ "$(id -u)" = 0 ] || { echo "throughput.sh: needs root (namespaces, veth, TUN)" >&2; exit 2; }
[ -f "$JAR" ] || { echo "throughput.sh: $JAR missing; build it with mvn -B -pl examples -am package -DskipTests" >&2; exit 2; }
if ! command -v iperf3 > /dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y iperf3 > "$WORK/apt.log" 2>&1 \
        || { apt-get update > /dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y iperf3 > "$WORK/apt.log" 2>&1; } \
        || { echo "throughput.sh: cannot install iperf3 (see $WORK/apt.log)" >&2; exit 1; }
fi

down() {
    for ns in "$CLIENT" "$DIRECTOR" "$SERVER"; do
        [ -e "/run/netns/$ns" ] || continue
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [ -z "$pids" ] || kill $pids 2>/dev/null || true
        sleep 0.5
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
        ip netns del "$ns"
    done
}
trap 'down; rm -rf "$WORK"' EXIT INT TERM

up() {
    for ns in "$CLIENT" "$DIRECTOR" "$SERVER"; do
        ip netns add "$ns"
        ip -n "$ns" link set lo up
    done
    ip netns exec "$DIRECTOR" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    ip -n "$DIRECTOR" link add cl0 type veth peer name eth0 netns "$CLIENT"
    ip -n "$DIRECTOR" link add rs1 type veth peer name eth0 netns "$SERVER"
    ip -n "$DIRECTOR" addr add 10.10.1.1/24 dev cl0
    ip -n "$DIRECTOR" addr add fd00:1::1/64 dev cl0 nodad
    ip -n "$DIRECTOR" addr add 10.10.11.1/24 dev rs1
    ip -n "$DIRECTOR" addr add fd00:11::1/64 dev rs1 nodad
    ip -n "$CLIENT" addr add 10.10.1.2/24 dev eth0
    ip -n "$CLIENT" addr add fd00:1::2/64 dev eth0 nodad
    ip -n "$SERVER" addr add "$RS4/24" dev eth0
    ip -n "$SERVER" addr add "$RS6/64" dev eth0 nodad
    for ns in "$CLIENT" "$SERVER"; do
        ip -n "$ns" link set eth0 up
    done
    ip -n "$DIRECTOR" link set cl0 up
    ip -n "$DIRECTOR" link set rs1 up
    ip -n "$CLIENT" route add default via 10.10.1.1
    ip -n "$CLIENT" -6 route add default via fd00:1::1
    ip -n "$SERVER" route add default via 10.10.11.1
    ip -n "$SERVER" -6 route add default via fd00:11::1
    ip -n "$DIRECTOR" tuntap add dev tun0 mode tun multi_queue
    ip -n "$DIRECTOR" link set tun0 up
    ip netns exec "$DIRECTOR" sysctl -qw net.ipv4.conf.tun0.rp_filter=0
}

# the director's routes: VIPs into tun0, whatever arrives from the real server through tun0
director_routes() {
    ip -n "$DIRECTOR" route add "$VIP4/32" dev tun0
    ip -n "$DIRECTOR" -6 route add "$VIP6/128" dev tun0
    ip -n "$DIRECTOR" rule add iif rs1 lookup 100
    ip -n "$DIRECTOR" -6 rule add iif rs1 lookup 100
    ip -n "$DIRECTOR" route add default dev tun0 table 100
    ip -n "$DIRECTOR" -6 route add default dev tun0 table 100
}

# packets the kernel dropped on tun0's way to the director (its queue full, or no queue attached)
tun_tx_dropped() {
    ip -n "$DIRECTOR" -s -j link show tun0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["dropped"])'
}

# iperf3 SECONDS_PER_RUN s to $1 with $2 streams; prints the receiver's rate in Mbit/s
rate() {
    ip netns exec "$CLIENT" iperf3 -c "$1" -P "$2" -t "$SECONDS_PER_RUN" -J > "$WORK/iperf.json" 2> "$WORK/iperf.err" || {
        echo 0
        return
    }
    python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' "$WORK/iperf.json"
}

up
ip netns exec "$SERVER" iperf3 -s -D --logfile "$WORK/iperf-server.log"
sleep 0.5

echo "$(date -u '+%Y-%m-%d %H:%M UTC') $(uptime | sed 's/.*load/load/'), $(nproc) CPUs, kernel $(uname -r), ${SECONDS_PER_RUN} s per run"
K41=$(rate "$RS4" 1); K44=$(rate "$RS4" 4); K61=$(rate "$RS6" 1); K64=$(rate "$RS6" 4)

director_routes
printf -- "-A -t %s:5201 -s rr\n-a -t %s:5201 -r %s:5201 -m -w 1\n-A -t [%s]:5201 -s rr\n-a -t [%s]:5201 -r [%s]:5201 -m -w 1\n" \
    "$VIP4" "$VIP4" "$RS4" "$VIP6" "$VIP6" "$RS6" > "$WORK/rules.txt"

for threads in 1 2; do
    ip netns exec "$DIRECTOR" java -cp "$JAR" io.ippvs.examples.TunDirector --dev tun0 --rules "$WORK/rules.txt" \
        --threads "$threads" --no-commands > "$WORK/director-$threads.out" 2> "$WORK/director-$threads.err" &
    for _ in $(seq 1 100); do
        grep -q "queue(s)" "$WORK/director-$threads.err" 2>/dev/null && break
        sleep 0.1
    done
    sleep 1
    tx_before=$(tun_tx_dropped)
    eval "D${threads}41=\$(rate $VIP4 1); D${threads}44=\$(rate $VIP4 4); D${threads}61=\$(rate $VIP6 1); D${threads}64=\$(rate $VIP6 4)"
    tx_dropped=$(( $(tun_tx_dropped) - tx_before ))
    kill -TERM $(ip netns pids "$DIRECTOR") 2>/dev/null || true
    wait 2>/dev/null || true
    echo "director --threads $threads: $(head -1 "$WORK/director-$threads.err")"
    echo "  counters: $(grep '^forwarded' "$WORK/director-$threads.out" || echo 'none printed')"
    echo "  tun0 packets the kernel dropped towards the director during the runs (queue full): $tx_dropped"
done

ratio() {
    python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print("%.2f" % (a / b) if b else "-")' "$1" "$2"
}
printf "%-6s %-8s %12s %14s %8s %14s %8s %10s\n" family streams kernel director-1t ratio director-2t ratio 2t/1t
printf "%-6s %-8s %12s %14s %8s %14s %8s %10s\n" IPv4 1 "$K41" "$D141" "$(ratio "$D141" "$K41")" "$D241" "$(ratio "$D241" "$K41")" "$(ratio "$D241" "$D141")"
printf "%-6s %-8s %12s %14s %8s %14s %8s %10s\n" IPv4 4 "$K44" "$D144" "$(ratio "$D144" "$K44")" "$D244" "$(ratio "$D244" "$K44")" "$(ratio "$D244" "$D144")"
printf "%-6s %-8s %12s %14s %8s %14s %8s %10s\n" IPv6 1 "$K61" "$D161" "$(ratio "$D161" "$K61")" "$D261" "$(ratio "$D261" "$K61")" "$(ratio "$D261" "$D161")"
printf "%-6s %-8s %12s %14s %8s %14s %8s %10s\n" IPv6 4 "$K64" "$D164" "$(ratio "$D164" "$K64")" "$D264" "$(ratio "$D264" "$K64")" "$(ratio "$D264" "$D164")"
echo "(Mbit/s at the receiver; $(uptime | sed 's/.*load/load/') at the end)"
