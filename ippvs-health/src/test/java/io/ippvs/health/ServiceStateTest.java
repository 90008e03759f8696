package io.ippvs.health;

import static io.ippvs.health.Fixture.SERVICE;
import static io.ippvs.health.Fixture.loopback;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ipwrapper.c update_quorum_state: the quorum is a weight, gained at quorum + hysteresis, lost below quorum - hysteresis. */
class ServiceStateTest {

    @Test
    void quorumCountsWeightWithHysteresis() {
        CheckedService.Builder b = CheckedService.builder(SERVICE).quorum(5).hysteresis(2);
        int[] weights = {4, 2, 1};
        for (int i = 0; i < weights.length; i++) {
            b.realServer(CheckedRealServer.builder(loopback(8000 + i, weights[i])).build());
        }
        ServiceState s = new ServiceState(b.build());
        assertThat(s.liveWeight()).isEqualTo(7);
        assertThat(s.quorumUp).as("7 >= 5 + 2 at start (set_quorum_states)").isTrue();
        s.servers.get(0).alive = false; // 3: not below 5 - 2
        assertThat(s.updateQuorum()).isZero();
        s.servers.get(1).alive = false; // 1 < 3: lost
        assertThat(s.updateQuorum()).isEqualTo(-1);
        s.servers.get(0).alive = true; // 5: below 5 + 2, still lost
        assertThat(s.updateQuorum()).isZero();
        assertThat(s.quorumUp).isFalse();
        s.servers.get(1).alive = true; // 7: gained
        assertThat(s.updateQuorum()).isEqualTo(1);
        s.servers.get(2).effectiveWeight = 0;
        s.servers.get(0).alive = false;
        s.servers.get(1).alive = false; // nothing up: lost even with hysteresis 0 thresholds
        assertThat(s.updateQuorum()).isEqualTo(-1);
    }

    @Test
    void effectiveWeightIsClampedAsRealWeightDoes() {
        ServiceState s = new ServiceState(CheckedService.builder(SERVICE)
                .realServer(CheckedRealServer.builder(loopback(8000, 3)).build()).build());
        ServerState r = s.servers.get(0);
        r.effectiveWeight = -4;
        assertThat(r.weight()).isZero();
        r.effectiveWeight = 70000;
        assertThat(r.weight()).isEqualTo(65535);
    }
}
