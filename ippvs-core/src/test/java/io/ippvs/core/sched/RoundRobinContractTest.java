package io.ippvs.core.sched;

class RoundRobinContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "rr";
    }
}
