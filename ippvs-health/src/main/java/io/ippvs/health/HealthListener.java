package io.ippvs.health;

/**
 * Hears every server and service transition, in the order they happen. Called on the health
 * checks' own thread, after the director's configuration has followed the transition; keep it
 * short (hand long work to another thread). An exception it throws is logged and ignored.
 */
@FunctionalInterface
public interface HealthListener {

    void onEvent(HealthEvent event);
}
