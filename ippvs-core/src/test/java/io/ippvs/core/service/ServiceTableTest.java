package io.ippvs.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ippvs.api.Addresses;
import io.ippvs.api.Flow;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServer;
import io.ippvs.api.Scheduler;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ServiceTableTest {

    private static final Scheduler NONE = new Scheduler() {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public void update(List<? extends RealServer> servers) {}

        @Override
        public RealServer schedule(Flow flow) {
            return null;
        }
    };

    private static VirtualServiceState service(ServiceKey key) {
        return new VirtualServiceState(ServiceConfig.builder(key).build(), NONE);
    }

    private static VirtualServiceState find(ServiceTable t, int mark, Protocol p, InetAddress a, int port) {
        return t.lookup(mark, p.number(), Addresses.family(a), Addresses.high(a), Addresses.low(a), port);
    }

    @Test
    void fwmarkFirstThenAddressThenPortZero() throws Exception {
        InetAddress vip = InetAddress.getByName("10.0.0.1");
        VirtualServiceState http = service(ServiceKey.of(Protocol.TCP, vip, 80));
        VirtualServiceState any = service(ServiceKey.of(Protocol.TCP, vip, 0));
        VirtualServiceState mark = service(ServiceKey.fwmark(7, Addresses.IPV4));
        VirtualServiceState mark6 = service(ServiceKey.fwmark(7, Addresses.IPV6));
        InetAddress vip6 = InetAddress.getByName("2001:db8::1");
        VirtualServiceState dns6 = service(ServiceKey.of(Protocol.UDP, vip6, 53));
        ServiceTable t = new ServiceTable(List.of(http, any, mark, mark6, dns6));

        assertThat(find(t, 0, Protocol.TCP, vip, 80)).isSameAs(http);
        assertThat(find(t, 0, Protocol.TCP, vip, 443)).isSameAs(any);
        assertThat(find(t, 7, Protocol.TCP, vip, 80)).isSameAs(mark);
        assertThat(find(t, 7, Protocol.UDP, vip6, 53)).isSameAs(mark6);
        assertThat(find(t, 8, Protocol.TCP, vip, 80)).isSameAs(http);
        assertThat(find(t, 0, Protocol.UDP, vip, 80)).isNull();
        assertThat(find(t, 0, Protocol.UDP, vip6, 53)).isSameAs(dns6);
        assertThat(find(t, 0, Protocol.UDP, vip6, 54)).isNull();
        assertThat(find(t, 0, Protocol.TCP, InetAddress.getByName("10.0.0.2"), 80)).isNull();
        assertThat(ServiceTable.EMPTY.lookup(7, 6, 4, 0, 1, 80)).isNull();
    }

    @Test
    void duplicateKeysAreRejected() throws Exception {
        ServiceKey k = ServiceKey.of(Protocol.TCP, InetAddress.getByName("10.0.0.1"), 80);
        assertThatThrownBy(() -> new ServiceTable(List.of(service(k), service(k))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("service: ");
    }

    @Property(tries = 200)
    void everyServiceIsFoundAndNothingElse(@ForAll @IntRange(min = 0, max = 300) int n) throws Exception {
        List<VirtualServiceState> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            InetAddress a = InetAddress.getByName("10.1." + (i / 7) + "." + (i % 7));
            list.add(service(ServiceKey.of(i % 3 == 0 ? Protocol.UDP : Protocol.TCP, a, 1000 + i % 5)));
        }
        ServiceTable t = new ServiceTable(list);
        for (VirtualServiceState s : list) {
            ServiceKey k = s.key();
            assertThat(t.lookup(0, k.protocol().number(), 4, k.addressHigh(), k.addressLow(), k.port())).isSameAs(s);
            assertThat(t.lookup(0, k.protocol().number(), 4, k.addressHigh(), k.addressLow(), k.port() + 10)).isNull();
            assertThat(t.lookup(0, Protocol.SCTP.number(), 4, k.addressHigh(), k.addressLow(), k.port())).isNull();
        }
    }
}
