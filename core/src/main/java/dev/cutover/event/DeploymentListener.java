package dev.cutover.event;

/**
 * Receives deployment events. A listener that throws is logged and skipped; it can never break a
 * deployment. Listeners run on the deployment's thread, so they should be quick.
 */
@FunctionalInterface
public interface DeploymentListener {

    void onEvent(DeploymentEvent event);
}
