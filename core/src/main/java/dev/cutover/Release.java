package dev.cutover;

import dev.cutover.internal.Problems;
import java.util.Objects;

/**
 * A service going to an environment with a rollout strategy: the immutable input of
 * {@link Cutover#plan(Release)}. Building it validates the service, the environment, the strategy
 * and the environment's policies together and reports every problem at once.
 *
 * <pre>{@code
 * Release release = Release.of(orders).to(stage).strategy(canary()).build();
 * release.service();   // the service with the environment's overrides applied
 * }</pre>
 */
public final class Release {

    private final Service declared;
    private final Service service;
    private final Environment environment;
    private final Strategy strategy;

    private Release(Builder b) {
        this.declared = b.service;
        this.environment = b.environment;
        this.service = b.environment == null ? b.service : b.environment.effective(b.service);
        this.strategy = b.strategy;
    }

    /** Starts a release of {@code service}. */
    public static Builder of(Service service) {
        return new Builder(Problems.nonNull(service, "release.service", "pass a built Service, e.g. Release.of(Service.named(\"orders\")...build())"));
    }

    public Builder toBuilder() {
        return new Builder(declared).to(environment).strategy(strategy);
    }

    /** The service as it runs in this environment (overrides applied). */
    public Service service() {
        return service;
    }

    /** The service as declared, before the environment's overrides. */
    public Service declaredService() {
        return declared;
    }

    public Environment environment() {
        return environment;
    }

    public Strategy strategy() {
        return strategy;
    }

    /** {@code <environment>/<service>}: the unit one deployer at a time may change. */
    public String key() {
        return environment.name() + "/" + service.name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Release r && declared.equals(r.declared) && environment.equals(r.environment)
                && strategy.equals(r.strategy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(declared, environment, strategy);
    }

    @Override
    public String toString() {
        return "Release[" + service.name() + " " + service.image() + " -> " + environment.name() + " with " + strategy + "]";
    }

    /** Builds a {@link Release}. */
    public static final class Builder {
        private final Service service;
        private Environment environment;
        private Strategy strategy = Strategies.allAtOnce();

        private Builder(Service service) {
            this.service = service;
        }

        /** The target environment. Required. */
        public Builder to(Environment environment) {
            this.environment = Problems.nonNull(environment, "release.environment", "pass a built Environment, e.g. .to(Environment.named(\"stage\")...build())");
            return this;
        }

        /** The rollout strategy (default {@link Strategies#allAtOnce()}). */
        public Builder strategy(Strategy strategy) {
            this.strategy = Problems.nonNull(strategy, "release.strategy", "pass a strategy, e.g. Strategies.canary(), or leave it out for all-at-once");
            return this;
        }

        /** @throws ValidationException listing every problem of the service, environment, strategy and policies */
        public Release build() {
            Problems p = new Problems();
            if (environment == null) {
                p.add("release.environment", null, "is required; call .to(environment)");
                Service.validate(service, "service", p);
                Strategies.validate(strategy, "strategy", p);
                p.throwIfAny("release of '" + service.name() + "'");
            }
            Release r = new Release(this);
            Service.validate(r.service, "service", p);
            Environment.validate(environment, "environment", p);
            Strategies.validate(strategy, "strategy", p);
            if (environment.requiresImageDigest() && r.service.image() != null && !r.service.image().isPinned()) {
                p.add("service.image", r.service.image().toString(), "environment '" + environment.name()
                        + "' requires an image pinned by digest; use repository:tag@sha256:<64 hex digits>");
            }
            p.throwIfAny("release of '" + service.name() + "' to '" + environment.name() + "'");
            return r;
        }
    }
}
