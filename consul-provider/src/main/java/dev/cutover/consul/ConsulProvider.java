package dev.cutover.consul;

import com.orbitz.consul.Consul;
import dev.cutover.consul.internal.ConfigEntries;
import dev.cutover.consul.internal.ConsulCalls;
import dev.cutover.consul.internal.ConsulConfigStore;
import dev.cutover.consul.internal.ConsulDiscovery;
import dev.cutover.consul.internal.ConsulJournalStore;
import dev.cutover.consul.internal.ConsulKeys;
import dev.cutover.consul.internal.ConsulLocks;
import dev.cutover.consul.internal.ConsulTraffic;
import dev.cutover.consul.internal.Kv;
import dev.cutover.consul.internal.ServiceNames;
import dev.cutover.journal.JournalStore;
import dev.cutover.spi.ConfigStore;
import dev.cutover.spi.Discovery;
import dev.cutover.spi.LockManager;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.ProviderException;
import dev.cutover.spi.Traffic;
import java.net.MalformedURLException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Cutover's Consul provider: {@linkplain Discovery discovery} (instances registered per revision
 * with an HTTP health check), {@linkplain ConfigStore config} in KV with check-and-set,
 * {@linkplain LockManager deployment locks} on sessions, and {@linkplain Traffic traffic} weights
 * through a {@code service-splitter}. Every call goes through the core's guarded executor.
 *
 * <pre>{@code
 * ConsulProvider consul = ConsulProvider.builder()
 *     .url("http://127.0.0.1:8500")
 *     .aclToken(System.getenv("CONSUL_HTTP_TOKEN"))   // never logged
 *     .kvPrefix("cutover/")
 *     .build();
 * Cutover.builder().provider(consul)...
 * }</pre>
 *
 * <p>Layout in KV (below the prefix): {@code <env>/<service>/config/<key>} for configuration,
 * {@code <env>/<service>/lock} for the deployment lock (value {@code {"owner":...,"since":...}}),
 * {@code <env>/<service>/discovery} and {@code <env>/_namespace} for the discovery records.
 * Values are limited to Consul's 512 KiB. Use one Consul datacenter per environment when two
 * environments deploy a service with the same discovery name.
 */
public final class ConsulProvider implements Provider {

    /** The provider's name. */
    public static final String NAME = "consul";

    private final URI url;
    private final String datacenter;
    private final String kvPrefix;
    private final ConsulCalls calls;
    private final ConsulDiscovery discovery;
    private final ConsulConfigStore config;
    private final ConsulLocks locks;
    private final ConsulTraffic traffic;
    private final ConsulJournalStore journal;

    private ConsulProvider(Builder b) {
        this.url = b.url;
        this.datacenter = b.datacenter;
        this.kvPrefix = b.kvPrefix;
        this.calls = new ConsulCalls(b.aclToken);
        Consul.Builder cb = Consul.builder().withPing(false)
                .withConnectTimeoutMillis(b.timeout.toMillis())
                .withReadTimeoutMillis(b.timeout.toMillis())
                .withWriteTimeoutMillis(b.timeout.toMillis());
        try {
            cb.withUrl(b.url.toURL());
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("consul url '" + b.url + "' is not a valid http(s) URL", e);
        }
        if (b.aclToken != null) {
            cb.withAclToken(b.aclToken);
        }
        Consul client = cb.build();
        ConsulKeys keys = new ConsulKeys(b.kvPrefix);
        Kv kv = new Kv(client.keyValueClient(), calls, b.datacenter);
        ServiceNames names = new ServiceNames();
        this.discovery = new ConsulDiscovery(client.agentClient(), client.healthClient(), kv, keys, calls, b.datacenter, names);
        this.config = new ConsulConfigStore(kv, keys);
        Supplier<ScheduledExecutorService> scheduler = b.renewalScheduler != null ? () -> b.renewalScheduler : DefaultScheduler::get;
        this.locks = new ConsulLocks(kv, client.sessionClient(), calls, keys, b.datacenter, b.lockDelay, b.sessionRenewal, scheduler);
        this.journal = new ConsulJournalStore(kv, keys);
        this.traffic = new ConsulTraffic(new ConfigEntries(b.url, b.aclToken, b.datacenter, b.timeout, calls), names);
    }

    /** A builder; every setting has a default (a local agent at {@code http://127.0.0.1:8500}). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start(ProviderContext context) {
        calls.start(Objects.requireNonNull(context, "context"));
    }

    @Override
    public Optional<Discovery> discovery() {
        return Optional.of(discovery);
    }

    @Override
    public Optional<ConfigStore> config() {
        return Optional.of(config);
    }

    @Override
    public Optional<LockManager> locks() {
        return Optional.of(locks);
    }

    @Override
    public Optional<Traffic> traffic() {
        return Optional.of(traffic);
    }

    /**
     * A deployment journal kept in this Consul's KV (under {@code <prefix>_journal/}), so that
     * {@code resume} works from another machine. Its calls go through the same guarded executor once
     * the provider is started.
     *
     * <pre>{@code
     * ConsulProvider consul = ConsulProvider.builder().url("http://consul:8500").build();
     * Cutover cutover = Cutover.builder().provider(consul).journal(consul.journalStore()).build();
     * }</pre>
     */
    public JournalStore journalStore() {
        return journal;
    }

    /** The configuration entries of a service in an environment, as stored in KV, sorted by key. */
    public Map<String, String> configOf(String environment, String service) {
        return config.read(environment, service);
    }

    /**
     * Retryable: connection errors, timeouts, 429 and 5xx answers. Not retryable: other 4xx (bad
     * request, ACL denied, not found), invalid keys and oversized values.
     */
    @Override
    public boolean isRetryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof com.orbitz.consul.ConsulException c && c.getCode() > 0) {
                return ConsulCalls.isRetryableStatus(c.getCode());
            }
        }
        return Provider.super.isRetryable(failure);
    }

    @Override
    public boolean isThrottling(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProviderException p) {
                return p.getMessage() != null && p.getMessage().contains("(HTTP 429");
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "ConsulProvider[" + url + (datacenter == null ? "" : " dc=" + datacenter) + " prefix=" + kvPrefix + "]";
    }

    /** Settings of a {@link ConsulProvider}; the ACL token is never logged or printed. */
    public static final class Builder {
        private URI url = URI.create("http://127.0.0.1:8500");
        private String aclToken;
        private String datacenter;
        private String kvPrefix = "cutover/";
        private Duration lockDelay = Duration.ofSeconds(15);
        private Duration sessionRenewal;
        private ScheduledExecutorService renewalScheduler;
        private Duration timeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** The agent's HTTP address (default {@code http://127.0.0.1:8500}). */
        public Builder url(URI url) {
            Objects.requireNonNull(url, "url");
            if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("consul url '" + url + "' must be http(s)://host[:port]");
            }
            this.url = url;
            return this;
        }

        /** The agent's HTTP address as text, e.g. {@code http://consul.internal:8500}. */
        public Builder url(String url) {
            Objects.requireNonNull(url, "url");
            URI uri;
            try {
                uri = URI.create(url.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("consul url '" + url + "' is not a valid URL; use http(s)://host[:port]", e);
            }
            return url(uri);
        }

        /** The ACL token sent with every request (default: none). Never logged, printed or put in errors. */
        public Builder aclToken(String aclToken) {
            Objects.requireNonNull(aclToken, "aclToken");
            if (aclToken.isBlank()) {
                throw new IllegalArgumentException("aclToken must not be blank");
            }
            this.aclToken = aclToken;
            return this;
        }

        /** The datacenter to address (default: the agent's own). */
        public Builder datacenter(String datacenter) {
            this.datacenter = Objects.requireNonNull(datacenter, "datacenter");
            return this;
        }

        /** The root of Cutover's keys in KV (default {@code cutover/}). */
        public Builder kvPrefix(String kvPrefix) {
            Objects.requireNonNull(kvPrefix, "kvPrefix");
            new ConsulKeys(kvPrefix); // validates
            this.kvPrefix = kvPrefix.endsWith("/") ? kvPrefix : kvPrefix + "/";
            return this;
        }

        /**
         * How long Consul keeps a lock unavailable after its holder's session ended without a
         * release (Consul's {@code LockDelay}; default 15 s, 0 to disable).
         */
        public Builder lockDelay(Duration lockDelay) {
            Objects.requireNonNull(lockDelay, "lockDelay");
            if (lockDelay.isNegative() || lockDelay.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("lockDelay must be 0-60s, was " + lockDelay);
            }
            this.lockDelay = lockDelay;
            return this;
        }

        /**
         * How often a held lock renews its session in the background (default: a third of the
         * lease; {@link Duration#ZERO}: never, the caller renews with {@code LockHandle.renew()}).
         */
        public Builder sessionRenewal(Duration every) {
            Objects.requireNonNull(every, "every");
            if (every.isNegative()) {
                throw new IllegalArgumentException("sessionRenewal must not be negative, was " + every);
            }
            this.sessionRenewal = every;
            return this;
        }

        /** The scheduler for background session renewal (default: one shared daemon thread). */
        public Builder renewalScheduler(ScheduledExecutorService scheduler) {
            this.renewalScheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Connect, read and write timeout of each HTTP call (default 10 s). */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Creates the provider; no call is made until it is used. */
        public ConsulProvider build() {
            return new ConsulProvider(this);
        }

        @Override
        public String toString() {
            return "ConsulProvider.Builder[" + url + (aclToken == null ? "" : " token=(set)") + "]";
        }
    }

    /** The shared daemon thread that renews sessions when no scheduler is given. */
    private static final class DefaultScheduler {
        private static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-consul-session-renewal");
            t.setDaemon(true);
            return t;
        });

        static ScheduledExecutorService get() {
            return INSTANCE;
        }
    }
}
