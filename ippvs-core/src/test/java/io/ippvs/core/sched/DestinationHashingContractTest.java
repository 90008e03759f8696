package io.ippvs.core.sched;

class DestinationHashingContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "dh";
    }

    @Override
    boolean findsAnyUsable() {
        return false;
    }

    @Override
    boolean withoutFallback() {
        return true;
    }
}
