package io.ippvs.core.sched;

class LeastConnectionContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "lc";
    }
}
