package io.ippvs.core.sched;

class MaglevHashingNoFallbackContractTest extends SchedulerContractTest {

    @Override
    String name() {
        return "mh";
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
