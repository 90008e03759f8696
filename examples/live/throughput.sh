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
# thread and the director with two (--threads 2), the three back to back for each case so that a
# drifting load on a shared machine hits them alike. The director's counters (drops, packets refused
# by the kernel) and tun0's kernel-side drops during each run are printed. Installs iperf3
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
director_routes
ip netns exec "$SERVER" iperf3 -s -D --logfile "$WORK/iperf-server.log"
printf -- "-A -t %s:5201 -s rr\n-a -t %s:5201 -r %s:5201 -m -w 1\n-A -t [%s]:5201 -s rr\n-a -t [%s]:5201 -r [%s]:5201 -m -w 1\n" \
    "$VIP4" "$VIP4" "$RS4" "$VIP6" "$VIP6" "$RS6" > "$WORK/rules.txt"
sleep 0.5

# kernel forwarding: without the policy rules, replies from the real server go straight back
kernel_rate() {
    ip -n "$DIRECTOR" rule del iif rs1 lookup 100
    ip -n "$DIRECTOR" -6 rule del iif rs1 lookup 100
    rate "$1" "$2"
    ip -n "$DIRECTOR" rule add iif rs1 lookup 100
    ip -n "$DIRECTOR" -6 rule add iif rs1 lookup 100
}

# a fresh director with $1 threads, one iperf3 run to $2 with $3 streams; its counters and tun0's
# drops during the run go to $WORK/counters
director_rate() {
    ip netns exec "$DIRECTOR" java -cp "$JAR" io.ippvs.examples.TunDirector --dev tun0 --rules "$WORK/rules.txt" \
        --threads "$1" --no-commands > "$WORK/director.out" 2> "$WORK/director.err" &
    for _ in $(seq 1 100); do
        grep -q "queue(s)" "$WORK/director.err" 2>/dev/null && break
        sleep 0.1
    done
    sleep 1
    before=$(tun_tx_dropped)
    rate "$2" "$3"
    dropped=$(( $(tun_tx_dropped) - before ))
    kill -TERM $(ip netns pids "$DIRECTOR") 2>/dev/null || true
    wait 2>/dev/null || true
    echo "threads $1 to $2 x$3: $(grep '^forwarded' "$WORK/director.out" || echo 'no counters') tun0-dropped $dropped" >> "$WORK/counters"
    head -1 "$WORK/director.err" > "$WORK/director.first"
}

ratio() {
    python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print("%.2f" % (a / b) if b else "-")' "$1" "$2"
}

echo "$(date -u '+%Y-%m-%d %H:%M UTC') $(uptime | sed 's/.*load/load/'), $(nproc) CPUs, kernel $(uname -r), ${SECONDS_PER_RUN} s per run"
: > "$WORK/counters"
rows=""
# kernel, one thread and two threads back to back for each case, so a load that drifts affects all three alike
for case in "IPv4 $RS4 $VIP4 1" "IPv4 $RS4 $VIP4 4" "IPv6 $RS6 $VIP6 1" "IPv6 $RS6 $VIP6 4"; do
    set -- $case
    k=$(kernel_rate "$2" "$4")
    d1=$(director_rate 1 "$3" "$4")
    d2=$(director_rate 2 "$3" "$4")
    rows="$rows$(printf "%-6s %-8s %12s %14s %8s %14s %8s %10s" "$1" "$4" "$k" "$d1" "$(ratio "$d1" "$k")" "$d2" "$(ratio "$d2" "$k")" "$(ratio "$d2" "$d1")")
"
done
echo "director: $(cat "$WORK/director.first")"
cat "$WORK/counters"
printf "%-6s %-8s %12s %14s %8s %14s %8s %10s\n" family streams kernel director-1t ratio director-2t ratio 2t/1t
printf "%s" "$rows"
echo "(Mbit/s at the receiver; $(uptime | sed 's/.*load/load/') at the end)"
