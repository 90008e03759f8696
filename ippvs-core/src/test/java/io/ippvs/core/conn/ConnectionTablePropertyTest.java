package io.ippvs.core.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
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
 * Random insert / lookup / remove / expire / sweep sequences of connections and persistence
 * templates against a HashMap model: the table gives the same answers, never exceeds its bound,
 * and its counts and iteration match its contents. Tables are tiny and their index minimal (load 1
 * at the bound), so bucket overflow chains, recycled handles and FULL are all common.
 */
class ConnectionTablePropertyTest {

    private static final long SECOND = 1_000_000_000L;

    /** A flow from a small key space: families 4 and 6, TCP and UDP, few addresses and ports. */
    record Key(int family, int protocol, int client, int cport, int virtual, int vport) {
        // the real server follows from the virtual address, so outbound keys are unique too
        int server() {
            return virtual + 100;
        }

        int dport() {
            return vport + 8000;
        }
    }

    /** A persistence template key: (family, protocol, client network, virtual address, port or 0). */
    record TKey(int family, int protocol, int network, int virtual, int vport) {}

    static long high(int family, int addr) {
        return family == 4 ? 0 : 0x20010db800000000L | addr;
    }

    static long low(int family, int addr) {
        return family == 4 ? 0xC0000200L + addr : addr * 0x1000001L;
    }

    static final class Template {
        final TKey key;
        final int handle;
        int timeout;
        long expiry;
        int count;
        boolean detached;

        Template(TKey key, int handle, long expiry, int timeout) {
            this.key = key;
            this.handle = handle;
            this.expiry = expiry;
            this.timeout = timeout;
        }
    }

    static final class Entry {
        final Key key;
        final int handle;
        final int timeout;
        final Template template;
        long expiry;

        Entry(Key key, int handle, long expiry, int timeout, Template template) {
            this.key = key;
            this.handle = handle;
            this.expiry = expiry;
            this.timeout = timeout;
            this.template = template;
        }
    }

    static final class World {
        final int max;
        final ConnectionTable table;
        final Map<Key, Entry> conns = new HashMap<>();
        final Map<TKey, Template> templates = new HashMap<>();
        final List<Template> detached = new ArrayList<>();
        final List<Integer> removedHandles = new ArrayList<>();
        int expectedRemovals;
        long now = 5 * SECOND;
        final ConnectionSpec spec = new ConnectionSpec();

        World(int max, long seed) {
            this.max = max;
            int buckets = Math.max(2, Integer.highestOneBit(Math.max(1, (2 * max + 7) / 8 - 1)) << 1);
            this.table = ConnectionTableHooks.withIndexBuckets(max, seed, (t, h, expired) -> removedHandles.add(h), buckets);
        }

        int size() {
            return conns.size() + templates.size() + detached.size();
        }

        int lookupIn(Key k) {
            return table.lookupInbound(k.family, k.protocol, high(k.family, k.client), low(k.family, k.client), k.cport,
                    high(k.family, k.virtual), low(k.family, k.virtual), k.vport, now);
        }

        int lookupOut(Key k) {
            return table.lookupOutbound(k.family, k.protocol, high(k.family, k.server()), low(k.family, k.server()),
                    k.dport(), high(k.family, k.client), low(k.family, k.client), k.cport, now);
        }

        int lookupTemplate(TKey t) {
            return table.lookupTemplate(t.family, t.protocol, high(t.family, t.network), low(t.family, t.network),
                    high(t.family, t.virtual), low(t.family, t.virtual), t.vport, now);
        }

        void dropConnection(Entry e) {
            conns.remove(e.key);
            expectedRemovals++;
            Template t = e.template;
            if (t != null && --t.count == 0 && t.detached) {
                detached.remove(t);
                expectedRemovals++;
            }
        }

        /** What a connection lookup should return, reclaiming an expired entry as the table does. */
        int expectLookup(Key k) {
            Entry e = conns.get(k);
            if (e == null) {
                return ConnectionTable.NOT_FOUND;
            }
            if (now - e.expiry >= 0) {
                dropConnection(e);
                return ConnectionTable.NOT_FOUND;
            }
            return e.handle;
        }

        /** ip_vs_conn_expire: a template that still controls connections gets cp->timeout = 60*HZ and is re-armed. */
        static void rearm(Template t, long now) {
            t.timeout = 60;
            t.expiry = now + t.timeout * SECOND;
        }

        /** What a template lookup should return: an expired template lives on while it controls connections. */
        int expectTemplate(TKey k) {
            Template t = templates.get(k);
            if (t == null) {
                return ConnectionTable.NOT_FOUND;
            }
            if (now - t.expiry >= 0) {
                if (t.count > 0) {
                    rearm(t, now);
                    return t.handle;
                }
                templates.remove(k);
                expectedRemovals++;
                return ConnectionTable.NOT_FOUND;
            }
            return t.handle;
        }

        void checkInvariants() {
            assertThat(table.size()).isEqualTo(size()).isLessThanOrEqualTo(max);
            assertThat(ConnectionTableHooks.templates(table)).isEqualTo(templates.size() + detached.size());
            assertThat(removedHandles).hasSize(expectedRemovals);
            Set<Integer> handles = new HashSet<>();
            for (Entry e : conns.values()) {
                Key k = e.key;
                int h = e.handle;
                assertThat(handles.add(h)).as("handle %d used twice", h).isTrue();
                assertThat(table.isLive(h)).isTrue();
                assertThat(table.isTemplate(h)).isFalse();
                assertThat(table.family(h)).isEqualTo(k.family);
                assertThat(table.protocol(h)).isEqualTo(k.protocol);
                assertThat(table.clientHigh(h)).isEqualTo(high(k.family, k.client));
                assertThat(table.clientLow(h)).isEqualTo(low(k.family, k.client));
                assertThat(table.clientPort(h)).isEqualTo(k.cport);
                assertThat(table.virtualLow(h)).isEqualTo(low(k.family, k.virtual));
                assertThat(table.virtualPort(h)).isEqualTo(k.vport);
                assertThat(table.destinationLow(h)).isEqualTo(low(k.family, k.server()));
                assertThat(table.destinationPort(h)).isEqualTo(k.dport());
                assertThat(table.expiresAtNanos(h)).isEqualTo(e.expiry);
                assertThat(table.realServer(h)).isEqualTo(Objects.hash(k));
                assertThat(table.template(h)).isEqualTo(e.template == null ? ConnectionTable.NO_HANDLE : e.template.handle);
            }
            List<Template> allTemplates = new ArrayList<>(templates.values());
            allTemplates.addAll(detached);
            for (Template t : allTemplates) {
                assertThat(handles.add(t.handle)).as("handle %d used twice", t.handle).isTrue();
                assertThat(table.isLive(t.handle)).isTrue();
                assertThat(table.isTemplate(t.handle)).isTrue();
                assertThat(table.controlledCount(t.handle)).isEqualTo(t.count);
                assertThat(table.clientPort(t.handle)).isZero();
                assertThat(table.virtualPort(t.handle)).isEqualTo(t.key.vport);
                if (!t.detached) {
                    assertThat(table.expiresAtNanos(t.handle)).isEqualTo(t.expiry);
                }
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

    static Arbitrary<TKey> templateKeys() {
        return Combinators.combine(Arbitraries.of(4, 6), Arbitraries.of(6, 17), Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(1, 2), Arbitraries.of(0, 80)).as(TKey::new);
    }

    static Action.Independent<World> insert() {
        return () -> Combinators.combine(keys(), Arbitraries.integers().between(1, 30), templateKeys().injectNull(0.5))
                .as((k, timeout, tk) -> Transformer.mutate("insert " + k + " timeout " + timeout + " template " + tk, w -> {
                    Template t = null;
                    int th = ConnectionTable.NO_HANDLE;
                    if (tk != null) {
                        th = w.lookupTemplate(tk);
                        assertThat(th).isEqualTo(w.expectTemplate(tk));
                        t = th >= 0 ? w.templates.get(tk) : null;
                        th = th >= 0 ? th : ConnectionTable.NO_HANDLE;
                    }
                    w.spec.clear().family(k.family).protocol(k.protocol)
                            .client(high(k.family, k.client), low(k.family, k.client), k.cport)
                            .virtual(high(k.family, k.virtual), low(k.family, k.virtual), k.vport)
                            .destination(high(k.family, k.server()), low(k.family, k.server()), k.dport())
                            .state(1, timeout).realServer(Objects.hash(k)).template(th);
                    int r = w.table.insert(w.spec, w.now);
                    int existing = w.expectLookup(k);
                    if (existing >= 0) {
                        assertThat(ConnectionTable.exists(r)).as("result %d", r).isTrue();
                        assertThat(ConnectionTable.existingHandle(r)).isEqualTo(existing);
                    } else if (w.size() == w.max) {
                        assertThat(r).isEqualTo(ConnectionTable.FULL);
                    } else {
                        assertThat(r).isGreaterThanOrEqualTo(0).isLessThan(w.max);
                        w.conns.put(k, new Entry(k, r, w.now + timeout * SECOND, timeout, t));
                        if (t != null) {
                            t.count++;
                        }
                    }
                }));
    }

    static Action.Independent<World> insertTemplate() {
        return () -> Combinators.combine(templateKeys(), Arbitraries.integers().between(1, 40)).as((k, timeout) ->
                Transformer.mutate("template " + k + " timeout " + timeout, w -> {
                    w.spec.clear().family(k.family).protocol(k.protocol).flags(ConnectionFlags.TEMPLATE)
                            .client(high(k.family, k.network), low(k.family, k.network), 999)
                            .virtual(high(k.family, k.virtual), low(k.family, k.virtual), k.vport)
                            .destination(high(k.family, 77), low(k.family, 77), k.vport).state(0, timeout);
                    int r = w.table.insert(w.spec, w.now);
                    int existing = w.expectTemplate(k);
                    if (existing >= 0) {
                        assertThat(ConnectionTable.existingHandle(r)).isEqualTo(existing);
                    } else if (w.size() == w.max) {
                        assertThat(r).isEqualTo(ConnectionTable.FULL);
                    } else {
                        assertThat(r).isGreaterThanOrEqualTo(0);
                        w.templates.put(k, new Template(k, r, w.now + timeout * SECOND, timeout));
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

    static Action.Independent<World> lookupTemplate() {
        return () -> templateKeys().map(k -> Transformer.mutate("lookup template " + k, w ->
                assertThat(w.lookupTemplate(k)).isEqualTo(w.expectTemplate(k))));
    }

    static Action.Independent<World> removeOne() {
        return () -> keys().map(k -> Transformer.mutate("remove " + k, w -> {
            Entry e = w.conns.get(k);
            if (e != null) {
                assertThat(w.table.remove(e.handle)).isTrue();
                w.dropConnection(e);
                assertThat(w.table.remove(e.handle)).isFalse();
            }
        }));
    }

    static Action.Independent<World> removeTemplate() {
        return () -> templateKeys().map(k -> Transformer.mutate("remove template " + k, w -> {
            Template t = w.templates.remove(k);
            if (t != null) {
                assertThat(w.table.remove(t.handle)).isTrue();
                if (t.count > 0) {
                    t.detached = true;
                    w.detached.add(t);
                } else {
                    w.expectedRemovals++;
                }
                assertThat(w.table.remove(t.handle)).isFalse();
            }
        }));
    }

    static Action.Independent<World> refresh() {
        return () -> keys().map(k -> Transformer.mutate("refresh " + k, w -> {
            Entry e = w.conns.get(k);
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

    /** The sweep walks handles in order; removing a connection may free a detached template on the way. */
    static Action.Independent<World> sweep() {
        return () -> Arbitraries.just(Transformer.mutate("sweep", w -> {
            List<Object> all = new ArrayList<>(w.conns.values());
            all.addAll(w.templates.values());
            all.addAll(w.detached);
            all.sort(Comparator.comparingInt(o -> o instanceof Entry ? ((Entry) o).handle : ((Template) o).handle));
            int expected = 0;
            for (Object o : all) {
                if (o instanceof Entry) {
                    Entry e = (Entry) o;
                    if (w.conns.get(e.key) == e && w.now - e.expiry >= 0) {
                        w.dropConnection(e);
                        expected++;
                    }
                    continue;
                }
                Template t = (Template) o;
                if (t.detached ? !w.detached.contains(t) : w.templates.get(t.key) != t) {
                    continue;
                }
                if (t.detached && t.count == 0) {
                    w.detached.remove(t);
                    w.expectedRemovals++;
                    expected++;
                } else if (w.now - t.expiry >= 0) {
                    if (t.count > 0) {
                        World.rearm(t, w.now);
                    } else {
                        w.templates.remove(t.key);
                        w.expectedRemovals++;
                        expected++;
                    }
                }
            }
            assertThat(w.table.sweep(w.now)).isEqualTo(expected);
        }));
    }

    @Provide
    Arbitrary<ActionChain<World>> chains() {
        return Arbitraries.of(3, 8, 17, 40).flatMap(max -> Arbitraries.longs().map(seed ->
                ActionChain.startWith(() -> new World(max, seed))
                        .withAction(5, insert())
                        .withAction(2, insertTemplate())
                        .withAction(4, lookup())
                        .withAction(1, lookupTemplate())
                        .withAction(1, removeOne())
                        .withAction(1, removeTemplate())
                        .withAction(1, refresh())
                        .withAction(2, advance())
                        .withAction(1, sweep())
                        .withMaxTransformations(150)))
                .flatMap(a -> a);
    }

    @Property(tries = 400)
    void behavesLikeAMap(@ForAll("chains") ActionChain<World> chain) {
        chain.withInvariant("model", World::checkInvariants).run();
    }
}
