package dev.cutover.cli;

import static dev.cutover.Strategies.canary;

import dev.cutover.Environment;
import dev.cutover.Release;
import dev.cutover.Service;
import java.time.Duration;
import java.util.function.Function;

/** A release written in Java, for {@code cutover plan --release-class dev.cutover.cli.SampleRelease --class-path ...}. */
public final class SampleRelease implements Function<String, Release> {

    @Override
    public Release apply(String environment) {
        Service payments = Service.named("payments").image("123456789012.dkr.ecr.us-east-1.amazonaws.com/payments:3.1.0")
                .port(8080).cpu(256).memoryMiB(512).healthCheck(h -> h.path("/ready")).build();
        Environment env = Environment.named(environment).region("us-east-1").cluster("main").mesh("internal")
                .namespace("internal.local").build();
        return Release.of(payments).to(env).strategy(canary().steps(20, 100).bake(Duration.ofMinutes(1))).build();
    }
}
