package io.ippvs.core.sched;

class WeightedOverflowContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "ovf";
    }

    @Override
    boolean findsAnyUsable() {
        return false; // a server with more active connections than its weight is full
    }
}
