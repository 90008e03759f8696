package io.ippvs.core.sched;

class WeightedFailoverContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "fo";
    }
}
