package io.ippvs.core.sched;

class WeightedLeastConnectionContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "wlc";
    }
}
