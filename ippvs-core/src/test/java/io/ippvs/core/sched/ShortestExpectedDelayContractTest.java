package io.ippvs.core.sched;

class ShortestExpectedDelayContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "sed";
    }
}
