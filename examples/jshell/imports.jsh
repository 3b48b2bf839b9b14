// Cutover's JShell imports and its helpers (compiled: dev.cutover.examples.shell.ShellHelpers); ./cutover-shell
// loads this at start-up.
import dev.cutover.*;
import dev.cutover.analysis.*;
import dev.cutover.event.*;
import dev.cutover.inmemory.*;
import dev.cutover.locks.*;
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
// history(cutover, service, env) and untilWeight(deployment, percent):
import static dev.cutover.examples.shell.ShellHelpers.*;
import dev.cutover.examples.shell.ShellWorld;
import java.time.*;
import java.nio.file.*;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
