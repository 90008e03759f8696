package io.ippvs.core.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Random insert / lookup / remove / expire / sweep sequences against a HashMap model: the table gives
 * the same answers, never exceeds its bound, and its counts and iteration match its contents. Tables
 * are tiny and their index minimal (load 1 at the bound), so bucket overflow chains, recycled
 * handles and FULL are all common.
 */
class ConnectionTablePropertyTest {

    private static final long SECOND = 1_000_000_000L;

    /** A flow from a small key space: families 4 and 6, TCP and UDP, few addresses and ports. */
    record Key(int family, int protocol, int client, int cport, int virtual, int vport) {
        long high(int addr) {
            return family == 4 ? 0 : 0x20010db800000000L | addr;
        }

        long low(int addr) {
            return family == 4 ? 0xC0000200L + addr : addr * 0x1000001L;
        }

        // the real server follows from the virtual address, so outbound keys are unique too
        int server() {
            return virtual + 100;
        }

        int dport() {
            return vport + 8000;
        }
    }

    static final class Entry {
        final int handle;
        long expiry;
        int timeout;

        Entry(int handle, long expiry, int timeout) {
            this.handle = handle;
            this.expiry = expiry;
            this.timeout = timeout;
        }
    }

    static final class World {
        final int max;
        final ConnectionTable table;
        final Map<Key, Entry> model = new HashMap<>();
        final List<Integer> removedHandles = new ArrayList<>();
        int expectedRemovals;
        long now = 5 * SECOND;
        final ConnectionSpec spec = new ConnectionSpec();

        World(int max, long seed) {
            this.max = max;
            int buckets = Integer.highestOneBit(Math.max(1, (2 * max + 7) / 8 - 1)) << 1;
            this.table = new ConnectionTable(max, seed, (t, h, expired) -> removedHandles.add(h), Math.max(2, buckets));
        }

        int lookupIn(Key k) {
            return table.lookupInbound(k.family, k.protocol, k.high(k.client), k.low(k.client), k.cport,
                    k.high(k.virtual), k.low(k.virtual), k.vport, now);
        }

        int lookupOut(Key k) {
            return table.lookupOutbound(k.family, k.protocol, k.high(k.server()), k.low(k.server()), k.dport(),
                    k.high(k.client), k.low(k.client), k.cport, now);
        }

        /** What a lookup of k should return, reclaiming an expired entry as the table does. */
        int expectLookup(Key k) {
            Entry e = model.get(k);
            if (e == null) {
                return ConnectionTable.NOT_FOUND;
            }
            if (now - e.expiry >= 0) {
                model.remove(k);
                expectedRemovals++;
                return ConnectionTable.NOT_FOUND;
            }
            return e.handle;
        }

        void checkInvariants() {
            assertThat(table.size()).isEqualTo(model.size()).isLessThanOrEqualTo(max);
            assertThat(removedHandles).hasSize(expectedRemovals);
            Set<Integer> handles = new HashSet<>();
            for (Map.Entry<Key, Entry> me : model.entrySet()) {
                Key k = me.getKey();
                int h = me.getValue().handle;
                assertThat(handles.add(h)).as("handle %d used twice", h).isTrue();
                assertThat(table.isLive(h)).isTrue();
                assertThat(table.family(h)).isEqualTo(k.family);
                assertThat(table.protocol(h)).isEqualTo(k.protocol);
                assertThat(table.clientHigh(h)).isEqualTo(k.high(k.client));
                assertThat(table.clientLow(h)).isEqualTo(k.low(k.client));
                assertThat(table.clientPort(h)).isEqualTo(k.cport);
                assertThat(table.virtualLow(h)).isEqualTo(k.low(k.virtual));
                assertThat(table.virtualPort(h)).isEqualTo(k.vport);
                assertThat(table.destinationLow(h)).isEqualTo(k.low(k.server()));
                assertThat(table.destinationPort(h)).isEqualTo(k.dport());
                assertThat(table.expiresAtNanos(h)).isEqualTo(me.getValue().expiry);
                assertThat(table.realServer(h)).isEqualTo(Objects.hash(k));
            }
            List<Integer> visited = new ArrayList<>();
            table.forEach((t, h) -> visited.add(h));
            assertThat(visited).containsExactlyInAnyOrderElementsOf(handles);
        }
    }

    static Arbitrary<Key> keys() {
        return Combinators.combine(Arbitraries.of(4, 6), Arbitraries.of(6, 17), Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1000, 1003), Arbitraries.integers().between(1, 2),
                Arbitraries.of(80, 443)).as(Key::new);
    }

    static Action.Independent<World> insert() {
        return () -> Combinators.combine(keys(), Arbitraries.integers().between(1, 30)).as((k, timeout) ->
                Transformer.mutate("insert " + k + " timeout " + timeout, w -> {
                    w.spec.clear().family(k.family).protocol(k.protocol)
                            .client(k.high(k.client), k.low(k.client), k.cport)
                            .virtual(k.high(k.virtual), k.low(k.virtual), k.vport)
                            .destination(k.high(k.server()), k.low(k.server()), k.dport())
                            .state(1, timeout).realServer(Objects.hash(k));
                    int r = w.table.insert(w.spec, w.now);
                    int existing = w.expectLookup(k);
                    if (existing >= 0) {
                        assertThat(ConnectionTable.exists(r)).as("result %d", r).isTrue();
                        assertThat(ConnectionTable.existingHandle(r)).isEqualTo(existing);
                    } else if (w.model.size() == w.max) {
                        assertThat(r).isEqualTo(ConnectionTable.FULL);
                    } else {
                        assertThat(r).isGreaterThanOrEqualTo(0).isLessThan(w.max);
                        w.model.put(k, new Entry(r, w.now + timeout * SECOND, timeout));
                    }
                }));
    }

    static Action.Independent<World> lookup() {
        return () -> Combinators.combine(keys(), Arbitraries.of(true, false)).as((k, inbound) ->
                Transformer.mutate((inbound ? "lookup in " : "lookup out ") + k, w -> {
                    int actual = inbound ? w.lookupIn(k) : w.lookupOut(k);
                    assertThat(actual).isEqualTo(w.expectLookup(k));
                }));
    }

    static Action.Independent<World> removeOne() {
        return () -> keys().map(k -> Transformer.mutate("remove " + k, w -> {
            Entry e = w.model.remove(k);
            if (e != null) {
                assertThat(w.table.remove(e.handle)).isTrue();
                w.expectedRemovals++;
                assertThat(w.table.remove(e.handle)).isFalse();
            }
        }));
    }

    static Action.Independent<World> refresh() {
        return () -> keys().map(k -> Transformer.mutate("refresh " + k, w -> {
            Entry e = w.model.get(k);
            if (e != null && w.now - e.expiry < 0) {
                w.table.refresh(e.handle, w.now);
                e.expiry = w.now + e.timeout * SECOND;
            }
        }));
    }

    static Action.Independent<World> advance() {
        return () -> Arbitraries.longs().between(1, 20 * SECOND).map(d -> Transformer.mutate("advance " + d, w -> {
            w.now += d;
        }));
    }

    static Action.Independent<World> sweep() {
        return () -> Arbitraries.just(Transformer.mutate("sweep", w -> {
            int expected = 0;
            for (var it = w.model.values().iterator(); it.hasNext(); ) {
                if (w.now - it.next().expiry >= 0) {
                    it.remove();
                    expected++;
                }
            }
            w.expectedRemovals += expected;
            assertThat(w.table.sweep(w.now)).isEqualTo(expected);
        }));
    }

    @Provide
    Arbitrary<ActionChain<World>> chains() {
        return Arbitraries.of(3, 8, 17, 40).flatMap(max -> Arbitraries.longs().map(seed ->
                ActionChain.startWith(() -> new World(max, seed))
                        .withAction(5, insert())
                        .withAction(4, lookup())
                        .withAction(1, removeOne())
                        .withAction(1, refresh())
                        .withAction(2, advance())
                        .withAction(1, sweep())
                        .withMaxTransformations(120)))
                .flatMap(a -> a);
    }

    @Property(tries = 400)
    void behavesLikeAMap(@ForAll("chains") ActionChain<World> chain) {
        chain.withInvariant("model", World::checkInvariants).run();
    }
}
