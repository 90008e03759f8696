package io.ippvs.core.sched;

import io.ippvs.api.Addresses;
import io.ippvs.api.Flow;
import io.ippvs.api.Protocol;

/** A flow a test rewrites between schedule calls, as the director reuses its flow per thread. */
final class FakeFlow implements Flow {

    int family = Addresses.IPV4;
    Protocol protocol = Protocol.TCP;
    long clientHigh;
    long clientLow = 0xC0A80001L;
    int clientPort = 40000;
    long virtualHigh;
    long virtualLow = 0x0A0000FEL;
    int virtualPort = 80;

    FakeFlow client(int fam, long high, long low, int port) {
        family = fam;
        clientHigh = high;
        clientLow = low;
        clientPort = port;
        return this;
    }

    FakeFlow clientV4(long address, int port) {
        return client(Addresses.IPV4, 0, address & 0xFFFFFFFFL, port);
    }

    FakeFlow virtual(long high, long low, int port) {
        virtualHigh = high;
        virtualLow = low;
        virtualPort = port;
        return this;
    }

    @Override
    public int addressFamily() {
        return family;
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public long clientAddressHigh() {
        return clientHigh;
    }

    @Override
    public long clientAddressLow() {
        return clientLow;
    }

    @Override
    public int clientPort() {
        return clientPort;
    }

    @Override
    public long virtualAddressHigh() {
        return virtualHigh;
    }

    @Override
    public long virtualAddressLow() {
        return virtualLow;
    }

    @Override
    public int virtualPort() {
        return virtualPort;
    }

    @Override
    public int fwmark() {
        return 0;
    }
}
