package io.ippvs.examples;

import io.ippvs.api.Addresses;
import io.ippvs.api.ForwardingMethod;
import io.ippvs.api.Protocol;
import io.ippvs.api.RealServerConfig;
import io.ippvs.api.ServiceConfig;
import io.ippvs.api.ServiceKey;
import java.net.InetAddress;

/** The runnable examples jar: the embedded demo (placeholder until the director lands). */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        ServiceKey key = ServiceKey.of(Protocol.TCP, InetAddress.getByName("203.1.1.10"), 8080);
        ServiceConfig service = ServiceConfig.builder(key).scheduler("rr").build();
        RealServerConfig server = RealServerConfig.builder(InetAddress.getByName("10.1.1.2"), 8080)
                .forwardingMethod(ForwardingMethod.MASQUERADE)
                .build();
        System.out.println("ippvs: virtual service " + service);
        System.out.println("ippvs: real server      " + server);
        System.out.println("ippvs: " + Addresses.format(Addresses.IPV6, 0x20010db800000000L, 1L) + " formats as RFC 5952 says");
    }
}
