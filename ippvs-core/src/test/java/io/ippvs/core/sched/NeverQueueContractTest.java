package io.ippvs.core.sched;

class NeverQueueContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "nq";
    }
}
