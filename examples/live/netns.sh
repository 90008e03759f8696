# Sourced by setup.sh and failover.sh.
# stop_and_delete NS...: for each namespace that exists, stops only the processes started inside it
# (SIGTERM first, so an ippvs tun prints its statistics, then SIGKILL after 2 s) and deletes it.
stop_and_delete() {
    for ns in "$@"; do
        [ -e "/run/netns/$ns" ] || [ -e "/var/run/netns/$ns" ] || continue
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        if [ -n "$pids" ]; then
            kill $pids 2>/dev/null || true
            for _ in 1 2 3 4 5 6 7 8 9 10; do
                [ -n "$(ip netns pids "$ns" 2>/dev/null)" ] || break
                sleep 0.2
            done
            pids=$(ip netns pids "$ns" 2>/dev/null || true)
            [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
        fi
        ip netns del "$ns"
    done
}
