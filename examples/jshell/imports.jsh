// Cutover's JShell imports and a few helpers; ./cutover-shell loads this at start-up.
import dev.cutover.*;
import dev.cutover.analysis.*;
import dev.cutover.event.*;
import dev.cutover.journal.*;
import dev.cutover.spi.Capability;
import dev.cutover.time.*;
import dev.cutover.aws.AwsProvider;
import dev.cutover.consul.ConsulProvider;
import dev.cutover.localcloud.LocalCloud;
import dev.cutover.localcloud.SimClock;
import dev.cutover.localcloud.ImageBehavior;
import dev.cutover.localcloud.Datadog;
import dev.cutover.datadog.DatadogMetricSource;
import static dev.cutover.Strategies.*;
import java.time.*;
import java.nio.file.*;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Prints the history of a service in an environment, one deployment a line, oldest first. */
void history(Cutover cutover, String service, String environment) {
    System.out.println("History of " + environment + "/" + service + ":");
    cutover.history(service, environment).forEach(h -> System.out.println("  " + h));
}

/** Lets the deployment run until its new revision takes at least {@code percent}% of traffic, or it ends. */
Deployment untilWeight(Deployment d, int percent) {
    while (!d.status().isTerminal() && d.events().stream().
            noneMatch(e -> e instanceof DeploymentEvent.StepStarted s && s.weight() >= percent)) {
        d.await(Duration.ofSeconds(1));
    }
    return d;
}
