package io.ippvs.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.ippvs.api.RealServerConfig;
import io.ippvs.core.stats.TrafficStats;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RealServerStateTest {

    private static RealServerConfig.Builder server() throws Exception {
        return RealServerConfig.builder(InetAddress.getByName("192.168.1.10"), 80);
    }

    @Test
    void overloadWithLowerThreshold() throws Exception {
        RealServerState s = new RealServerState(1, server().upperThreshold(4).lowerThreshold(2).build(), new TrafficStats());
        for (int i = 0; i < 3; i++) {
            s.bind(false, false);
            assertThat(s.overloaded()).isFalse();
        }
        s.bind(false, false); // total 4 >= u
        assertThat(s.overloaded()).isTrue();
        assertThat(s.available()).isFalse();
        s.unbind(false, false); // 3, not below l
        s.unbind(false, false); // 2, not below l
        assertThat(s.overloaded()).isTrue();
        s.unbind(false, false); // 1 < 2
        assertThat(s.overloaded()).isFalse();
        assertThat(s.available()).isTrue();
    }

    @Test
    void overloadWithoutLowerThresholdClearsBelowThreeQuarters() throws Exception {
        RealServerState s = new RealServerState(1, server().upperThreshold(8).build(), new TrafficStats());
        for (int i = 0; i < 8; i++) {
            s.bind(false, i % 2 == 0);
        }
        assertThat(s.overloaded()).isTrue();
        assertThat(s.activeConnections()).isEqualTo(4);
        assertThat(s.inactiveConnections()).isEqualTo(4);
        s.unbind(false, true); // 7: 28 < 24 no
        s.unbind(false, true); // 6: 24 < 24 no
        assertThat(s.overloaded()).isTrue();
        s.unbind(false, true); // 5: 20 < 24 yes
        assertThat(s.overloaded()).isFalse();
    }

    @Test
    void templatesCountAsPersistentNotTowardsTheThreshold() throws Exception {
        RealServerState s = new RealServerState(1, server().upperThreshold(2).build(), new TrafficStats());
        s.bind(true, false);
        s.bind(true, false);
        assertThat(s.persistentConnections()).isEqualTo(2);
        assertThat(s.overloaded()).isFalse();
        s.bind(false, false);
        s.activity(true);
        assertThat(s.activeConnections()).isEqualTo(1);
        assertThat(s.inactiveConnections()).isZero();
        s.bind(false, false);
        assertThat(s.overloaded()).isTrue();
    }

    @Test
    void raisingOrDroppingTheUpperThresholdClearsOverload() throws Exception {
        RealServerState s = new RealServerState(1, server().upperThreshold(1).build(), new TrafficStats());
        s.bind(false, false);
        assertThat(s.overloaded()).isTrue();
        s.config(server().upperThreshold(1).weight(3).build());
        assertThat(s.overloaded()).isTrue();
        s.config(server().upperThreshold(5).build());
        assertThat(s.overloaded()).isFalse();
        s.config(server().upperThreshold(1).build());
        s.bind(false, false);
        assertThat(s.overloaded()).isTrue();
        s.config(server().build());
        assertThat(s.overloaded()).isFalse();
    }

    @Test
    void weightZeroAndRemovalMakeTheServerUnavailable() throws Exception {
        RealServerState s = new RealServerState(1, server().build(), new TrafficStats());
        assertThat(s.available()).isTrue();
        s.config(server().weight(0).build());
        assertThat(s.available()).isFalse();
        s.config(server().weight(2).build());
        assertThat(s.available()).isTrue();
        s.remove();
        assertThat(s.available()).isFalse();
        assertThat(s.inService()).isFalse();
    }
}
