package dev.cutover.examples.shell;

import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.event.DeploymentEvent;
import java.time.Duration;

/**
 * The helper methods of {@code ./cutover-shell} ({@code import static dev.cutover.examples.shell.ShellHelpers.*}).
 *
 * <pre>{@code
 * Deployment d = untilWeight(cutover.apply(plan), 10);   // runs until the canary takes 10%
 * history(cutover, "orders", "stage");
 * }</pre>
 */
public final class ShellHelpers {

    private ShellHelpers() {
    }

    /** Prints the history of a service in an environment, one deployment a line, oldest first. */
    public static void history(Cutover cutover, String service, String environment) {
        System.out.println("History of " + environment + "/" + service + ":");
        cutover.history(service, environment).forEach(h -> System.out.println("  " + h));
    }

    /** Lets the deployment run until its new revision takes at least {@code percent}% of traffic, or it ends. */
    public static Deployment untilWeight(Deployment d, int percent) {
        while (!d.status().isTerminal() && d.events().stream()
                .noneMatch(e -> e instanceof DeploymentEvent.StepStarted s && s.weight() >= percent)) {
            d.await(Duration.ofSeconds(1));
        }
        return d;
    }
}
