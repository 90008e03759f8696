package io.ippvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ippvs.api.Flow;
import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import io.ippvs.api.SchedulerConfig;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class SchedulersTest {

    @Test
    void resolvesEveryIpvsName() {
        assertThat(Schedulers.names()).startsWith(
                "rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc", "lblcr");
        for (String name : List.of("rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh",
                "lblc", "lblcr")) {
            assertThat(Schedulers.byName(name).create(SchedulerConfig.DEFAULT).name()).isEqualTo(name);
            assertThat(Schedulers.exists(name)).isTrue();
        }
        assertThat(Schedulers.byName("WLC").create(SchedulerConfig.DEFAULT).name()).isEqualTo("wlc");
        assertThat(Schedulers.DEFAULT).isEqualTo("wlc");
    }

    @Test
    void eachFactoryMakesAFreshSchedulerPerService() {
        Scheduler.Factory f = Schedulers.byName("rr");
        assertThat(f.create(SchedulerConfig.DEFAULT)).isNotSameAs(f.create(SchedulerConfig.DEFAULT));
    }

    @Test
    void convenienceFactoriesCarryTheirNames() {
        List<Supplier<Scheduler.Factory>> factories = List.of(Schedulers::roundRobin, Schedulers::weightedRoundRobin,
                Schedulers::leastConnection, Schedulers::weightedLeastConnection, Schedulers::shortestExpectedDelay,
                Schedulers::neverQueue, Schedulers::weightedFailover, Schedulers::weightedOverflow,
                Schedulers::powerOfTwoChoices, Schedulers::sourceHashing, Schedulers::destinationHashing,
                Schedulers::maglevHashing, Schedulers::localityBasedLeastConnection,
                Schedulers::localityBasedLeastConnectionWithReplication);
        assertThat(factories.stream().map(f -> f.get().create(null).name()).toList()).containsExactly(
                "rr", "wrr", "lc", "wlc", "sed", "nq", "fo", "ovf", "twos", "sh", "dh", "mh", "lblc", "lblcr");
    }

    @Test
    void unknownNamesAreRejectedNamingTheField() {
        assertThatThrownBy(() -> Schedulers.byName("xyz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scheduler: unknown scheduler 'xyz'");
        assertThatThrownBy(() -> Schedulers.byName(null)).hasMessageStartingWith("scheduler: ");
        assertThat(Schedulers.exists("xyz")).isFalse();
    }

    /** An application scheduler: always the last usable server. */
    static final class LastServer implements Scheduler {
        private volatile List<? extends RealServer> servers = List.of();

        @Override
        public String name() {
            return "last-ok";
        }

        @Override
        public void update(List<? extends RealServer> list) {
            servers = list;
        }

        @Override
        public RealServer schedule(Flow flow) {
            List<? extends RealServer> s = servers;
            for (int i = s.size() - 1; i >= 0; i--) {
                if (s.get(i).available()) {
                    return s.get(i);
                }
            }
            return null;
        }
    }

    @Test
    void applicationsRegisterTheirOwnSchedulers() {
        Schedulers.register("last-ok", config -> new LastServer());
        Scheduler s = Schedulers.byName("last-ok").create(SchedulerConfig.DEFAULT);
        FakeServer a = FakeServer.v4("A", 1, 1);
        FakeServer b = FakeServer.v4("B", 2, 1);
        s.update(List.of(a, b));
        assertThat(s.schedule(new FakeFlow())).isSameAs(b);
        assertThat(Schedulers.names()).endsWith("last-ok");
        assertThatThrownBy(() -> Schedulers.register("last-ok", config -> new LastServer()))
                .hasMessage("scheduler: 'last-ok' is already registered");
        assertThatThrownBy(() -> Schedulers.register("wlc", config -> new LastServer()))
                .hasMessage("scheduler: 'wlc' is already registered");
    }

    @Test
    void registrationChecksNameAndFactory() {
        assertThatThrownBy(() -> Schedulers.register("Bad Name", config -> new LastServer()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("scheduler: name ");
        assertThatThrownBy(() -> Schedulers.register("", config -> new LastServer()))
                .hasMessageStartingWith("scheduler: name ");
        assertThatThrownBy(() -> Schedulers.register("toolongname-16ch", config -> new LastServer()))
                .hasMessageStartingWith("scheduler: name ");
        assertThatThrownBy(() -> Schedulers.register("nofactory", null)).hasMessageStartingWith("scheduler: factory");
    }

    @Test
    void updateRejectsANullList() {
        for (String name : List.of("rr", "wrr", "wlc", "sh", "dh", "mh", "lblc")) {
            Scheduler s = Schedulers.byName(name).create(SchedulerConfig.DEFAULT);
            assertThatThrownBy(() -> s.update(null)).hasMessageStartingWith("servers: ");
        }
    }
}
