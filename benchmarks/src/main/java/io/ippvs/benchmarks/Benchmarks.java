package io.ippvs.benchmarks;

/** JMH benchmarks of the ippvs data path; run from benchmarks/target/benchmarks.jar. */
final class Benchmarks {
    private Benchmarks() {}
}
