#!/bin/sh
# Director failover, the 1998 guide's wish ("have another machine take over from a failed other"),
# in network namespaces: a client, two TUN directors A and B each with Debian's keepalived in
# VRRP-only mode, three real servers. Addresses exist only inside the namespaces. Run as root.
#
#   failover.sh up PREFIX DIR          namespaces, bridges, addresses, routes; DIR gets rules.txt,
#                                      keepalived-a.conf, keepalived-b.conf, notify.sh, the FIFOs a.ctl, b.ctl
#   failover.sh director PREFIX DIR a|b   runs `ippvs tun` in PREFIX-a|b (foreground; JAR=... to override)
#   failover.sh keepalived PREFIX DIR a|b runs keepalived --vrrp in PREFIX-a|b (foreground)
#   failover.sh down PREFIX            stops what runs in the namespaces and deletes them
#   failover.sh demo [PREFIX]          all of it: a 50 MB download survives the death of director A
#
#                        PREFIX-sw: bridge brc (client link), bridge brs (server link)
#   PREFIX-client eth0 10.10.1.100 --brc-- c0 10.10.1.2 PREFIX-a   | c0 10.10.1.3 PREFIX-b
#     route VIP via 10.10.1.1 (VRRP)        y0 10.10.3.2 ---- sync link ---- y0 10.10.3.3
#   PREFIX-rsN eth0 10.10.10.1N --brs-- s0 10.10.10.2 PREFIX-a    | s0 10.10.10.3 PREFIX-b
#     default via 10.10.10.1 (VRRP)         tun0: VIP 10.10.200.200 and everything from s0 (table 100)
#
# keepalived moves 10.10.1.1 (the client's next hop to the VIP) and 10.10.10.1 (the real servers'
# gateway) together (a sync group of two instances, advert_int 1, A priority 150, B 100, preempt).
# Each instance tracks tun0: a persistent TUN device loses its carrier when the director's process
# dies, so keepalived goes to FAULT at once and B takes over; when a director attaches again the
# carrier returns and keepalived goes to BACKUP, then A preempts. Gratuitous ARPs move the client's
# and the servers' neighbour entries. The notify scripts switch the director's sync daemons through
# its control pipe (`ippvs tun --control DIR/a.ctl`): backup receives on the sync link (multicast
# 224.0.0.81:8848 on y0, sync id 1) and asks the master for a bulk resync when it starts; master
# sends. A director that comes back therefore has every connection before it takes the address again.
set -eu
. "$(dirname "$0")/netns.sh"

VIP=10.10.200.200
SYNC="--mcast-interface y0 --syncid 1"
action=${1:-}
prefix=${2:-ippvs-fo}
servers="1 2 3"
here=$(cd "$(dirname "$0")" && pwd)
JAR=${JAR:-$here/../target/ippvs.jar}

ns() { echo "$prefix-$1"; }

up() {
    dir=$1
    mkdir -p "$dir"
    sw=$(ns sw)
    ip netns add "$sw"
    ip -n "$sw" link set lo up
    for br in brc brs; do
        ip -n "$sw" link add "$br" type bridge
        ip -n "$sw" link set "$br" up
    done
    # link NS IF BRIDGE PORT: a veth from NS's IF to PORT on BRIDGE in the switch
    link() {
        ip -n "$sw" link add "$4" type veth peer name "$2" netns "$(ns "$1")"
        ip -n "$sw" link set "$4" master "$3" up
        ip -n "$(ns "$1")" link set "$2" up
    }

    ip netns add "$(ns client)"
    ip -n "$(ns client)" link set lo up
    link client eth0 brc c-client
    ip -n "$(ns client)" addr add 10.10.1.100/24 dev eth0
    ip -n "$(ns client)" route add "$VIP" via 10.10.1.1
    # a receive buffer of at most 1 MB: a rate-limited download then keeps the rest of the file on
    # the server side, so what is left at a director's death crosses the other director. With this
    # kernel's default maximum (tcp_rmem[2] 32 MB) the client's buffer had grown to 8 MB by the
    # kill at 25 MB (ss -tmi), and can grow to the whole rest of the file, all of it through A
    ip netns exec "$(ns client)" sysctl -qw net.ipv4.tcp_rmem="4096 131072 1048576"

    for n in $servers; do
        ip netns add "$(ns rs$n)"
        ip -n "$(ns rs$n)" link set lo up
        link "rs$n" eth0 brs "s-rs$n"
        ip -n "$(ns rs$n)" addr add "10.10.10.1$n/24" dev eth0
        ip -n "$(ns rs$n)" route add default via 10.10.10.1
    done

    host=2
    for d in a b; do
        nd=$(ns $d)
        ip netns add "$nd"
        ip -n "$nd" link set lo up
        ip netns exec "$nd" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
            net.ipv4.conf.default.rp_filter=0 net.ipv4.ip_nonlocal_bind=1
        link $d c0 brc "c-$d"
        link $d s0 brs "s-$d"
        ip -n "$nd" addr add "10.10.1.$host/24" dev c0
        ip -n "$nd" addr add "10.10.10.$host/24" dev s0
        # persistent, so routes point at it before the JVM attaches; no carrier while no director runs
        ip -n "$nd" tuntap add dev tun0 mode tun
        ip -n "$nd" link set tun0 up
        ip netns exec "$nd" sysctl -qw net.ipv4.conf.tun0.rp_filter=0
        ip -n "$nd" route add "$VIP/32" dev tun0
        ip -n "$nd" rule add iif s0 lookup 100
        ip -n "$nd" route add default dev tun0 table 100
        host=3
    done
    ip -n "$(ns a)" link add y0 type veth peer name y0 netns "$(ns b)"
    ip -n "$(ns a)" addr add 10.10.3.2/24 dev y0
    ip -n "$(ns b)" addr add 10.10.3.3/24 dev y0
    ip -n "$(ns a)" link set y0 up
    ip -n "$(ns b)" link set y0 up

    cat > "$dir/rules.txt" <<EOF
-A -t $VIP:80 -s rr
-a -t $VIP:80 -r 10.10.10.11:8000 -m
-a -t $VIP:80 -r 10.10.10.12:8000 -m
-a -t $VIP:80 -r 10.10.10.13:8000 -m
-A -t $VIP:7 -s rr
-a -t $VIP:7 -r 10.10.10.11:7007 -m
-a -t $VIP:7 -r 10.10.10.12:7007 -m
-a -t $VIP:7 -r 10.10.10.13:7007 -m
EOF
    cat > "$dir/notify.sh" <<EOF
#!/bin/sh
# keepalived notify: NODE STATE. Writes the sync daemon commands into the director's control pipe
# (at most 2 s each: with no director reading, the open of a FIFO blocks), then records the state.
node=\$1
state=\$2
send() { timeout 2 sh -c 'echo "\$1" > "\$2"' sh "\$1" "$dir/\$node.ctl" || true; }
case "\$state" in
    master) send "--start-daemon backup $SYNC"; send "--start-daemon master $SYNC" ;;
    backup) send "--stop-daemon master"; send "--start-daemon backup $SYNC" ;;
    fault) send "--stop-daemon master" ;;
esac
echo "\$(date +%s.%N) \$state" >> "$dir/\$node.state"
EOF
    chmod 755 "$dir/notify.sh"
    for d in a b; do
        [ $d = a ] && priority=150 || priority=100
        cat > "$dir/keepalived-$d.conf" <<EOF
global_defs {
    router_id ippvs-$d
    script_user root
}
vrrp_sync_group DIRECTOR {
    group {
        CLIENT
        SERVERS
    }
    notify_master "$dir/notify.sh $d master"
    notify_backup "$dir/notify.sh $d backup"
    notify_fault "$dir/notify.sh $d fault"
}
vrrp_instance CLIENT {
    state BACKUP
    interface c0
    virtual_router_id 51
    priority $priority
    advert_int 1
    track_interface {
        tun0
    }
    virtual_ipaddress {
        10.10.1.1/24 dev c0
    }
}
vrrp_instance SERVERS {
    state BACKUP
    interface s0
    virtual_router_id 52
    priority $priority
    advert_int 1
    track_interface {
        tun0
    }
    virtual_ipaddress {
        10.10.10.1/24 dev s0
    }
}
EOF
        rm -f "$dir/$d.ctl" "$dir/$d.state"
        mkfifo "$dir/$d.ctl"
    done
}

director() {
    exec ip netns exec "$(ns "$2")" java -jar "$JAR" tun --dev tun0 --rules "$1/rules.txt" --control "$1/$2.ctl" --no-commands
}

keepalived_() {
    command -v keepalived >/dev/null || apt-get install -y keepalived >/dev/null
    exec ip netns exec "$(ns "$2")" keepalived --vrrp --dont-fork --log-console --log-detail \
        --use-file "$1/keepalived-$2.conf" --pid "$1/$2-keepalived.pid" --vrrp_pid "$1/$2-vrrp.pid"
}

down() {
    stop_and_delete $(for d in a b client rs1 rs2 rs3 sw; do ns $d; done)
}

# state DIR NODE: the last state its notify script recorded
state() { tail -n 1 "$1/$2.state" 2>/dev/null | cut -d' ' -f2; }

await_state() {
    i=0
    until [ "$(state "$1" "$2")" = "$3" ]; do
        i=$((i + 1))
        [ $i -lt 300 ] || { echo "director $2 not $3 within 30 s" >&2; exit 1; }
        sleep 0.1
    done
}

demo() {
    dir=/tmp/$prefix
    down
    trap 'down' EXIT
    up "$dir"
    mkdir -p "$dir/www"
    head -c 50000000 /dev/urandom > "$dir/www/file"
    for n in $servers; do
        (cd "$dir/www" && exec ip netns exec "$(ns rs$n)" python3 -m http.server 8000 >"$dir/http$n.log" 2>&1) &
    done
    for d in a b; do
        (director "$dir" $d >"$dir/director-$d.log" 2>&1) &
    done
    sleep 3 # the directors open tun0 (keepalived would stay in FAULT until they do)
    for d in a b; do
        (keepalived_ "$dir" $d >"$dir/keepalived-$d.log" 2>&1) &
    done
    await_state "$dir" a master
    echo "director A is master; downloading 50 MB at 5 MB/s through the VIP"
    ip netns exec "$(ns client)" curl -s --limit-rate 5M -o "$dir/download" "http://$VIP/file" &
    curl=$!
    sleep 5
    echo "killing director A at $(stat -c %s "$dir/download") bytes"
    kill -9 "$(ip netns pids "$(ns a)" | while read -r p; do
        grep -q ippvs.jar "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done)"
    await_state "$dir" b master
    echo "director B is master"
    wait $curl
    echo "downloaded $(stat -c %s "$dir/download") bytes: $(sha256sum < "$dir/download" | cut -c1-16) (sent $(sha256sum < "$dir/www/file" | cut -c1-16))"
    (director "$dir" a >"$dir/director-a2.log" 2>&1) &
    await_state "$dir" a master
    echo "director A is back as master; B: $(state "$dir" b)"
    ip netns exec "$(ns client)" curl -s -o /dev/null -w 'after the fail-back: HTTP %{http_code}\n' "http://$VIP/file"
}

case "$action" in
    up) up "${3:?up needs a directory}" ;;
    down) down ;;
    director) director "${3:?director needs a directory}" "${4:?a or b}" ;;
    keepalived) keepalived_ "${3:?keepalived needs a directory}" "${4:?a or b}" ;;
    demo) demo ;;
    *) echo "usage: $0 up PREFIX DIR | down PREFIX | director|keepalived PREFIX DIR a|b | demo [PREFIX]" >&2; exit 2 ;;
esac
