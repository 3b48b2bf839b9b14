package dev.cutover;

import dev.cutover.internal.Problems;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A container health check, with ECS's limits: interval 5–300 s, timeout 2–60 s and below the
 * interval, retries 1–10, start period 0–300 s. The check is an HTTP GET of {@link #path()} on the
 * service's port; the path holds only URL path characters (no query string) and is quoted in the
 * container's health command, so it is never read by a shell.
 *
 * <pre>{@code
 * HealthCheck h = HealthCheck.builder().path("/health").interval(Duration.ofSeconds(10)).build();
 * }</pre>
 */
public final class HealthCheck {

    /**
     * An absolute URL path as RFC 3986 section 3.3 defines it ({@code pchar} and {@code /}), less the
     * apostrophe, which the container's health command uses to quote the URL.
     */
    private static final Pattern URL_PATH = Pattern.compile("(/([A-Za-z0-9\\-._~!$&()*+,;=:@]|%[0-9A-Fa-f]{2})*)+");

    private final String path;
    private final Duration interval;
    private final Duration timeout;
    private final int retries;
    private final Duration startPeriod;

    private HealthCheck(Builder b) {
        this.path = b.path;
        this.interval = b.interval;
        this.timeout = b.timeout;
        this.retries = b.retries;
        this.startPeriod = b.startPeriod;
    }

    /** The default check: {@code GET /health} every 30 s, 5 s timeout, 3 retries, no start period. */
    public static HealthCheck defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().at("healthCheck").path(path).interval(interval).timeout(timeout).retries(retries).startPeriod(startPeriod);
    }

    public String path() {
        return path;
    }

    public Duration interval() {
        return interval;
    }

    public Duration timeout() {
        return timeout;
    }

    public int retries() {
        return retries;
    }

    public Duration startPeriod() {
        return startPeriod;
    }

    static void validate(HealthCheck h, String at, Problems p) {
        p.check(h.path.startsWith("/"), at + ".path", h.path, "must start with '/', e.g. /health");
        p.check(h.path.length() <= 1024, at + ".path", h.path, "must be at most 1024 characters");
        p.check(URL_PATH.matcher(h.path).matches(), at + ".path", h.path,
                "may hold only URL path characters (RFC 3986 section 3.3: letters, digits, -._~!$&()*+,;=:@/ and %XX "
                        + "escapes); no query (?), fragment (#), spaces, quotes or backslashes");
        // compare Durations, not toMillis(): a huge Duration must be a problem, not an ArithmeticException
        p.check(wholeSecondsBetween(h.interval, 5, 300), at + ".interval", h.interval,
                "must be whole seconds from 5 s to 300 s (ECS's limit)");
        boolean timeoutInRange = p.check(wholeSecondsBetween(h.timeout, 2, 60),
                at + ".timeout", h.timeout, "must be whole seconds from 2 s to 60 s (ECS's limit)");
        if (timeoutInRange) {
            p.check(h.timeout.compareTo(h.interval) < 0, at + ".timeout", h.timeout,
                    "must be shorter than the interval (" + h.interval + ")");
        }
        p.check(h.retries >= 1 && h.retries <= 10, at + ".retries", h.retries, "must be 1-10 (ECS's limit)");
        p.check(wholeSecondsBetween(h.startPeriod, 0, 300), at + ".startPeriod", h.startPeriod,
                "must be whole seconds from 0 s to 300 s (ECS's limit)");
    }

    private static boolean wholeSecondsBetween(Duration d, long minSeconds, long maxSeconds) {
        return d.getNano() == 0 && d.getSeconds() >= minSeconds && d.getSeconds() <= maxSeconds;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HealthCheck h && path.equals(h.path) && interval.equals(h.interval)
                && timeout.equals(h.timeout) && retries == h.retries && startPeriod.equals(h.startPeriod);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, interval, timeout, retries, startPeriod);
    }

    @Override
    public String toString() {
        return "HealthCheck[GET " + path + " every " + interval.toSeconds() + "s, timeout " + timeout.toSeconds()
                + "s, retries " + retries + ", start period " + startPeriod.toSeconds() + "s]";
    }

    /** Builds a {@link HealthCheck}; {@link #build()} validates. */
    public static final class Builder {
        private String path = "/health";
        private Duration interval = Duration.ofSeconds(30);
        private Duration timeout = Duration.ofSeconds(5);
        private int retries = 3;
        private Duration startPeriod = Duration.ZERO;
        private String at = "healthCheck";

        private Builder() {
        }

        /** Where this builder's fields sit, for the messages of its null checks. */
        Builder at(String at) {
            this.at = at;
            return this;
        }

        public Builder path(String path) {
            this.path = Problems.nonNull(path, at + ".path", "give the URL path to GET, e.g. \"/health\"");
            return this;
        }

        public Builder interval(Duration interval) {
            this.interval = Problems.nonNull(interval, at + ".interval", "give 5-300 whole seconds, e.g. Duration.ofSeconds(30)");
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Problems.nonNull(timeout, at + ".timeout", "give 2-60 whole seconds, e.g. Duration.ofSeconds(5)");
            return this;
        }

        public Builder retries(int retries) {
            this.retries = retries;
            return this;
        }

        public Builder startPeriod(Duration startPeriod) {
            this.startPeriod = Problems.nonNull(startPeriod, at + ".startPeriod", "give 0-300 whole seconds (Duration.ZERO for none)");
            return this;
        }

        HealthCheck buildUnchecked() {
            return new HealthCheck(this);
        }

        /** @throws ValidationException listing every problem */
        public HealthCheck build() {
            HealthCheck h = buildUnchecked();
            Problems p = new Problems();
            validate(h, "healthCheck", p);
            p.throwIfAny("health check");
            return h;
        }
    }
}
