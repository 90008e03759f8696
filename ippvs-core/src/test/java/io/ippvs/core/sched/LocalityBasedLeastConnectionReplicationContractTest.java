package io.ippvs.core.sched;

class LocalityBasedLeastConnectionReplicationContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "lblcr";
    }
}
