package io.ippvs.core.sched;

class PowerOfTwoChoicesContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "twos";
    }
}
