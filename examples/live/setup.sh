#!/bin/sh
# The live topology of the TUN director: network namespaces joined by veth pairs, private addresses
# that exist only inside them. Run as root.
#
#   setup.sh up   [PREFIX]   create PREFIX-client, PREFIX-director, PREFIX-rs1..3 (PREFIX: ippvs)
#   setup.sh down [PREFIX]   stop what runs in them and delete them (also after a partial "up")
#   setup.sh tunnel PREFIX N  make PREFIX-rsN a VS/TUN real server for `ippvs tunnel-endpoint`
#
#   PREFIX-client  eth0 10.10.1.2/24 ----- cl0 10.10.1.1/24   PREFIX-director
#                  route: VIP only                            tun0 (no address), VIP 10.10.200.200 -> tun0
#   PREFIX-rsN     eth0 10.10.1N.2/24 ---- rsN 10.10.1N.1/24  from rsN: table 100, default dev tun0
#                  default via 10.10.1N.1
#
# Client -> VIP: the director namespace routes the VIP into tun0; the JVM director rewrites the
# destination to a real server and writes the packet back into tun0; the kernel forwards it out rsN.
# Real server -> client: the policy rule sends everything arriving on rsN through tun0 (the local
# table is consulted first, so traffic to the director's own addresses still works); the director
# puts the VIP back as source and the kernel forwards the reply out cl0. Packets enter from tun0
# with sources the routing table does not place behind tun0, so rp_filter must be off.
set -eu
. "$(dirname "$0")/netns.sh"

VIP=10.10.200.200
action=${1:-}
prefix=${2:-ippvs}
client=$prefix-client
director=$prefix-director
servers="1 2 3"

up() {
    ip netns add "$client"
    ip netns add "$director"
    ip -n "$director" link set lo up
    ip -n "$client" link set lo up
    ip netns exec "$director" sysctl -qw net.ipv4.ip_forward=1 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0

    ip -n "$director" link add cl0 type veth peer name eth0 netns "$client"
    ip -n "$director" addr add 10.10.1.1/24 dev cl0
    ip -n "$director" link set cl0 up
    ip -n "$client" addr add 10.10.1.2/24 dev eth0
    ip -n "$client" link set eth0 up
    # the client knows a route to the VIP and nothing else: an unrewritten address cannot reach it
    ip -n "$client" route add "$VIP" via 10.10.1.1

    for n in $servers; do
        rs=$prefix-rs$n
        ip netns add "$rs"
        ip -n "$rs" link set lo up
        ip -n "$director" link add "rs$n" type veth peer name eth0 netns "$rs"
        ip -n "$director" addr add "10.10.1$n.1/24" dev "rs$n"
        ip -n "$director" link set "rs$n" up
        ip -n "$rs" addr add "10.10.1$n.2/24" dev eth0
        ip -n "$rs" link set eth0 up
        ip -n "$rs" route add default via "10.10.1$n.1"
        ip -n "$director" rule add iif "rs$n" lookup 100
    done

    # persistent, so routes can point at it before the JVM attaches; it goes with the namespace
    ip -n "$director" tuntap add dev tun0 mode tun multi_queue
    ip -n "$director" link set tun0 up
    ip netns exec "$director" sysctl -qw net.ipv4.conf.tun0.rp_filter=0
    ip -n "$director" route add "$VIP/32" dev tun0
    ip -n "$director" route add default dev tun0 table 100
}

# VS/TUN on rsN, for a kernel without the ipip module: the VIP on lo (the real server answers from
# it), a TUN device for `ippvs tunnel-endpoint --dev vstun0`, and IP-in-IP, GRE and GUE (UDP port
# 6080) from eth0 steered into it.
# The local table would otherwise take the tunnel packets (they are addressed to rsN) and refuse
# protocol 4, so the steering rule goes before it. In the director namespace, packets from the VIP
# arriving from rsN are routed by the main table, straight to the client: they never pass through
# the TUN director, as VS/TUN replies do not pass through a kernel director.
tunnel() {
    n=$1
    rs=$prefix-rs$n
    ip -n "$rs" addr add "$VIP/32" dev lo
    ip -n "$rs" tuntap add dev vstun0 mode tun
    ip -n "$rs" link set vstun0 up
    ip netns exec "$rs" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
        net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0 net.ipv4.conf.vstun0.rp_filter=0
    ip -n "$rs" rule add pref 100 iif eth0 ipproto 4 lookup 104
    ip -n "$rs" rule add pref 101 iif eth0 ipproto 47 lookup 104
    ip -n "$rs" rule add pref 102 iif eth0 ipproto udp dport 6080 lookup 104
    ip -n "$rs" rule add pref 32765 lookup local
    ip -n "$rs" rule del pref 0
    ip -n "$rs" route add default dev vstun0 table 104
    ip -n "$director" rule add pref 50 iif "rs$n" from "$VIP" lookup main
}

down() {
    stop_and_delete "$client" "$director" $(for n in $servers; do echo "$prefix-rs$n"; done)
}

case "$action" in
    up) up ;;
    down) down ;;
    tunnel) tunnel "${3:?tunnel needs the real server number}" ;;
    *) echo "usage: $0 up|down [PREFIX] | tunnel PREFIX N" >&2; exit 2 ;;
esac
