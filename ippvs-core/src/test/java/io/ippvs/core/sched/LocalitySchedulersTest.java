package io.ippvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.Addresses;
import io.ippvs.api.RealServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** lblc and lblcr: stickiness per destination, lblc's overload rule, set replication, expiry, the bound. */
class LocalitySchedulersTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final FakeServer a = FakeServer.v4("A", 1, 2);
    private final FakeServer b = FakeServer.v4("B", 2, 4);
    private final FakeServer c = FakeServer.v4("C", 3, 4);

    private static FakeFlow to(long destination) {
        return new FakeFlow().virtual(0, destination, 80);
    }

    private void advance(long amount, TimeUnit unit) {
        clock.addAndGet(unit.toNanos(amount));
    }

    @Test
    void lblcSticksToTheCachedServerWhileItIsNotOverloaded() {
        LocalityBasedLeastConnection lblc = new LocalityBasedLeastConnection(clock::get);
        lblc.update(List.of(a, b, c));
        a.conns(0, 0);
        b.conns(1, 0);
        c.conns(1, 0);
        assertThat(lblc.schedule(to(100))).isSameAs(a); // wlc
        a.conns(2, 500); // now the most loaded per weight, but active <= weight
        assertThat(lblc.schedule(to(100))).isSameAs(a);
        assertThat(lblc.schedule(to(200))).isSameAs(b); // a new destination: wlc
        assertThat(lblc.cache().entries()).isEqualTo(2);
    }

    @Test
    void lblcOverloadNeedsAnotherServerBelowHalfItsWeight() {
        LocalityBasedLeastConnection lblc = new LocalityBasedLeastConnection(clock::get);
        lblc.update(List.of(a, b, c));
        assertThat(lblc.schedule(to(100))).isSameAs(a);
        a.conns(3, 0); // 3 > weight 2
        b.conns(2, 0); // 2 * 2 == 4: not below half
        c.conns(2, 0);
        assertThat(lblc.schedule(to(100))).isSameAs(a);
        c.conns(1, 0); // 1 * 2 < 4: A counts as overloaded now
        assertThat(lblc.schedule(to(100))).isSameAs(c);
        // the entry was replaced: C stays even when A recovers
        a.conns(0, 0);
        assertThat(lblc.schedule(to(100))).isSameAs(c);
    }

    /**
     * ip_vs_lblc_schedule keeps the cached server while it is IP_VS_DEST_F_AVAILABLE, has a weight
     * and is not is_overloaded; the threshold flag IP_VS_DEST_F_OVERLOAD is not looked at. Only
     * __ip_vs_lblc_schedule (wlc, for a new destination or an invalid entry) skips OVERLOADed servers.
     */
    @Test
    void lblcKeepsAnOverloadedCachedServerButReschedulesAQuiescedOrRemovedOne() {
        LocalityBasedLeastConnection lblc = new LocalityBasedLeastConnection(clock::get);
        lblc.update(List.of(a, b, c));
        assertThat(lblc.schedule(to(100))).isSameAs(a);
        a.overloaded(true);
        assertThat(lblc.schedule(to(100))).isSameAs(a);
        assertThat(lblc.schedule(to(101))).isSameAs(b); // wlc skips it
        a.overloaded(false);
        a.weight(0);
        assertThat(lblc.schedule(to(100))).isSameAs(b);
        b.overloaded(true);
        assertThat(lblc.schedule(to(100))).isSameAs(b);
        b.inService = false;
        lblc.update(List.of(a, c)); // b removed
        assertThat(lblc.schedule(to(100))).isSameAs(c);
        c.inService = false;
        lblc.update(List.of(a));
        assertThat(lblc.schedule(to(100))).isNull();
    }

    @Test
    void lblcKeysOnTheWholeIpv6Address() {
        LocalityBasedLeastConnection lblc = new LocalityBasedLeastConnection(clock::get);
        lblc.update(List.of(a, b));
        FakeFlow one = new FakeFlow().virtual(0x20010db800000000L, 1, 80);
        one.family = Addresses.IPV6;
        FakeFlow other = new FakeFlow().virtual(0x20010db800000001L, 0x100000001L, 80); // same 32-bit fold
        other.family = Addresses.IPV6;
        assertThat(lblc.schedule(one)).isSameAs(a);
        a.conns(1, 0);
        assertThat(lblc.schedule(other)).isSameAs(b);
        assertThat(lblc.schedule(one)).isSameAs(a);
        assertThat(lblc.cache().entries()).isEqualTo(2);
    }

    @Test
    void entriesIdleFor24HoursGoAtTheThirtiethCheck() {
        LocalityBasedLeastConnection lblc = new LocalityBasedLeastConnection(clock::get);
        lblc.update(List.of(a, b));
        lblc.schedule(to(100));
        advance(24, TimeUnit.HOURS);
        // checks run once a minute, driven by scheduling; the 30th is a full expiry pass
        for (int check = 1; check < 30; check++) {
            advance(61, TimeUnit.SECONDS);
            lblc.schedule(to(7)); // destination 7 stays in use
            assertThat(lblc.cache().entries()).as("check %d", check).isEqualTo(2);
        }
        advance(61, TimeUnit.SECONDS);
        lblc.schedule(to(7));
        assertThat(lblc.cache().entries()).isEqualTo(1);
    }

    /**
     * ip_vs_lblc_new never refuses an entry; ip_vs_lblc_check_expire, every CHECK_EXPIRE_INTERVAL
     * (60 s) when entries > max_size (16384), drops entries idle for ENTRY_TIMEOUT (6 min) until
     * goal = (entries - max_size) * 4 / 3 (at most max_size / 2) are gone.
     */
    @Test
    void sixteenThousandEntriesIsTheSoftTrimTriggerNotACap() {
        LocalityBasedLeastConnection lblc = new LocalityBasedLeastConnection(clock::get);
        lblc.update(List.of(a, b));
        int over = 300;
        for (int d = 0; d < LocalityCache.MAX_ENTRIES + over; d++) {
            assertThat(lblc.schedule(to(d))).isNotNull();
        }
        assertThat(lblc.cache().entries()).isEqualTo(LocalityCache.MAX_ENTRIES + over);
        // over the trigger but nothing idle for 6 minutes: the checks drop nothing
        advance(61, TimeUnit.SECONDS);
        lblc.schedule(to(5));
        assertThat(lblc.cache().entries()).isEqualTo(LocalityCache.MAX_ENTRIES + over);
        // everything but destination 5 idle for 6 minutes: the next check drops goal entries
        advance(6, TimeUnit.MINUTES);
        lblc.schedule(to(5));
        int goal = over * 4 / 3;
        assertThat(lblc.cache().entries()).isEqualTo(LocalityCache.MAX_ENTRIES + over - goal);
        // now under the trigger: later checks leave the idle entries to the 24-hour expiry
        advance(61, TimeUnit.SECONDS);
        lblc.schedule(to(5));
        assertThat(lblc.cache().entries()).isEqualTo(LocalityCache.MAX_ENTRIES + over - goal);
        RealServer five = lblc.schedule(to(5));
        a.conns(100, 0);
        b.conns(0, 0);
        a.weight(1000); // A not overloaded: destination 5 keeps its server
        assertThat(lblc.schedule(to(5))).isSameAs(five);
    }

    @Test
    void lblcrAddsAServerToTheSetWhenItsBestMemberIsOverloaded() {
        LocalityBasedLeastConnectionReplication lblcr = new LocalityBasedLeastConnectionReplication(clock::get);
        lblcr.update(List.of(a, b, c));
        assertThat(lblcr.schedule(to(100))).isSameAs(a);
        a.conns(3, 0); // overloaded in lblc's sense: B and C are idle
        assertThat(lblcr.schedule(to(100))).isSameAs(b); // wlc over the service; B joins the set
        // the set {B, A}: its least loaded member now, even after A recovers a little
        b.conns(1, 0);
        a.conns(2, 0);
        assertThat(lblcr.schedule(to(100))).isSameAs(b); // B 256/4 beats A 512/2
        b.conns(4, 0);
        c.conns(4, 0);
        a.conns(0, 0);
        assertThat(lblcr.schedule(to(100))).isSameAs(a); // A 0/2: a member, no new server
        assertThat(lblcr.cache().entries()).isEqualTo(1);
    }

    @Test
    void lblcrSetMinTakesTheNewestMemberOnTies() {
        LocalityBasedLeastConnectionReplication lblcr = new LocalityBasedLeastConnectionReplication(clock::get);
        a.weight(4);
        lblcr.update(List.of(a, b, c));
        assertThat(lblcr.schedule(to(100))).isSameAs(a);
        a.conns(5, 0); // overloaded: C idle with room
        b.overloaded(true);
        assertThat(lblcr.schedule(to(100))).isSameAs(c);
        a.conns(1, 0);
        c.conns(1, 0); // equal load per weight: the set is {C, A}, newest first
        assertThat(lblcr.schedule(to(100))).isSameAs(c);
    }

    @Test
    void lblcrDropsTheMostLoadedMemberOfASetUnchangedFor24Hours() {
        LocalityBasedLeastConnectionReplication lblcr = new LocalityBasedLeastConnectionReplication(clock::get);
        lblcr.update(List.of(a, b, c));
        assertThat(lblcr.schedule(to(100))).isSameAs(a);
        a.conns(3, 0);
        assertThat(lblcr.schedule(to(100))).isSameAs(b); // set {B, A}
        a.conns(1, 0); // A: 256/2 = 128 per weight; B idle
        advance(24, TimeUnit.HOURS);
        advance(1, TimeUnit.SECONDS);
        assertThat(lblcr.schedule(to(100))).isSameAs(b); // cleanup drops A, the most loaded
        // with A gone from the set, an idle A is not chosen while B is fine
        a.conns(0, 0);
        b.conns(1, 0);
        assertThat(lblcr.schedule(to(100))).isSameAs(b);
    }
}
