package dev.cutover.notify;

import dev.cutover.event.DeploymentEvent;
import dev.cutover.event.DeploymentListener;
import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderContext;
import dev.cutover.spi.ProviderException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts deployment notifications — started, paused, awaiting approval, promoted, rolled back,
 * failed — to a webhook, as a Slack-compatible or a generic JSON body.
 *
 * <pre>{@code
 * WebhookNotifier slack = WebhookNotifier.builder()
 *     .url(URI.create(System.getenv("SLACK_WEBHOOK_URL")))
 *     .format(WebhookFormat.SLACK)
 *     .notifications(Notification.AWAITING_APPROVAL, Notification.ROLLED_BACK, Notification.FAILED)
 *     .build();
 * Cutover cutover = Cutover.builder().provider(aws).listener(slack).build();
 * ...
 * slack.close();   // delivers what is still queued (bounded by the timeout), then stops
 * }</pre>
 *
 * <p>A rollout never waits for a webhook: {@link #onEvent} only queues, and a thread of the notifier's
 * own delivers. Given to {@code Cutover.builder().listener(...)}, the notifier is started like a
 * provider, so every post goes through Cutover's guarded executor — retries with backoff for
 * timeouts, connection failures, 429 and 5xx, its circuit breaker, its time limit and the
 * {@code cutover.provider.calls} meter (tag {@code provider=<name>}). A 4xx other than 429 is not
 * retried. When the queue is full the newest notification is dropped with a warning; a failed
 * delivery is logged and dropped. The webhook URL (which often carries a token) and header values
 * are never logged or put in an exception: only the URL's scheme and host are. The body holds only
 * what deployment events carry, and those never hold a secret's value.
 */
public final class WebhookNotifier implements DeploymentListener, Provider, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    private final String name;
    private final URI url;
    private final String host;
    private final WebhookFormat format;
    private final Set<Notification> notifications;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final int capacity;
    private final Executor executor;
    private final ExecutorService ownExecutor;
    private final HttpClient http;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private volatile ProviderContext context;
    private boolean draining;
    private int inFlight;
    private long delivered;
    private long failed;
    private long dropped;
    private boolean closed;

    private WebhookNotifier(Builder b) {
        this.name = b.name;
        this.url = b.url;
        this.host = b.url.getScheme() + "://" + b.url.getHost() + (b.url.getPort() < 0 ? "" : ":" + b.url.getPort());
        this.format = b.format;
        this.notifications = Set.copyOf(b.notifications);
        this.headers = Map.copyOf(b.headers);
        this.timeout = b.timeout;
        this.capacity = b.capacity;
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownExecutor = null;
        } else {
            this.ownExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "cutover-webhook-" + name);
                t.setDaemon(true);
                return t;
            });
            this.executor = ownExecutor;
        }
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.context = ProviderContext.direct(Clock.systemUTC());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    /** Called by Cutover: from now on every post runs through the guarded executor. */
    @Override
    public void start(ProviderContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** A webhook answers at most a few posts a second (Slack: about one per second per webhook). */
    @Override
    public Map<String, RateLimit> rateLimits() {
        return Map.of(family(), new RateLimit(10, 1.0));
    }

    @Override
    public boolean isThrottling(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof WebhookException w && w.status == 429) {
                return true;
            }
        }
        return false;
    }

    /** Queues the notification the event stands for, if this notifier sends it; never blocks and never throws. */
    @Override
    public void onEvent(DeploymentEvent event) {
        try {
            Notification.of(event).filter(notifications::contains).ifPresent(kind -> enqueue(body(kind, event)));
        } catch (RuntimeException e) {
            LOG.warn("webhook {}: could not prepare a notification for {}: {}", host, event.deploymentId(), e.toString());
        }
    }

    private void enqueue(byte[] body) {
        synchronized (this) {
            if (closed) {
                dropped++;
                LOG.warn("webhook {}: closed; dropped a notification", host);
                return;
            }
            if (queue.size() >= capacity) {
                dropped++;
                LOG.warn("webhook {}: {} notifications waiting; dropped the newest", host, queue.size());
                return;
            }
            queue.addLast(body);
            if (draining) {
                return;
            }
            draining = true;
        }
        executor.execute(this::drain);
    }

    private void drain() {
        while (true) {
            byte[] body;
            synchronized (this) {
                body = queue.pollFirst();
                if (body == null) {
                    draining = false;
                    notifyAll();
                    return;
                }
                inFlight++;
            }
            boolean ok = false;
            try {
                context.call(family(), "PostWebhook", () -> post(body));
                ok = true;
            } catch (RuntimeException e) {
                LOG.warn("webhook {}: notification not delivered: {}", host, e.getMessage());
            } finally {
                synchronized (this) {
                    inFlight--;
                    if (ok) {
                        delivered++;
                    } else {
                        failed++;
                    }
                    notifyAll();
                }
            }
        }
    }

    private Void post(byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the exception's text may name the URL: say only the host
            throw new WebhookException(name, host + " did not answer (" + e.getClass().getSimpleName() + ")", 0, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookException(name, "interrupted while posting to " + host, 0, false);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            boolean retryable = status == 429 || status >= 500 || status == 408;
            throw new WebhookException(name, host + " answered HTTP " + status, status, retryable);
        }
        return null;
    }

    private String family() {
        return "webhook." + name;
    }

    private byte[] body(Notification kind, DeploymentEvent event) {
        Map<String, Object> fields = format == WebhookFormat.SLACK
                ? Map.of("text", Notification.text(kind, event))
                : Notification.fields(kind, event);
        return json(fields).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Waits until every queued notification was delivered or given up, at most {@code timeout}.
     *
     * @return whether the queue is empty and nothing is in flight
     */
    public boolean flush(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!queue.isEmpty() || inFlight > 0 || draining) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Delivers what is queued (waiting at most the post timeout), then stops the notifier's thread. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        flush(timeout);
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }

    /** How many notifications were delivered, given up after retries, and dropped (queue full or closed). */
    public synchronized Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("delivered", delivered);
        m.put("failed", failed);
        m.put("dropped", dropped);
        return m;
    }

    /** Names the webhook by scheme and host only: its path often carries a token. */
    @Override
    public String toString() {
        return "WebhookNotifier[" + name + " -> " + host + ", " + format.name().toLowerCase(Locale.ROOT) + ", " + notifications + "]";
    }

    static String json(Map<String, Object> fields) {
        return dev.cutover.internal.Json.write(fields); // Cutover's own JSON writer (core), not a public API
    }

    /** A post the webhook did not accept; retryable for timeouts, connection failures, 408, 429 and 5xx. */
    static final class WebhookException extends ProviderException {
        private static final long serialVersionUID = 1L;
        private final int status;

        WebhookException(String provider, String message, int status, boolean retryable) {
            super(provider, "PostWebhook", retryable, message);
            this.status = status;
        }
    }

    /** Builds a {@link WebhookNotifier}; only the URL is required. */
    public static final class Builder {
        private String name = "webhook";
        private URI url;
        private WebhookFormat format = WebhookFormat.GENERIC;
        private final Set<Notification> notifications = EnumSet.allOf(Notification.class);
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration timeout = Duration.ofSeconds(5);
        private int capacity = 1000;
        private Executor executor;

        private Builder() {
        }

        /** The webhook's URL (http or https); it is never logged, only its scheme and host. */
        public Builder url(URI url) {
            Objects.requireNonNull(url, "webhook.url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
                throw new IllegalArgumentException("webhook.url must be http(s)://host/..., was a " + (scheme.isEmpty() ? "relative" : scheme) + " URL");
            }
            this.url = url;
            return this;
        }

        /** The body: {@link WebhookFormat#SLACK} or {@link WebhookFormat#GENERIC} (default). */
        public Builder format(WebhookFormat format) {
            this.format = Objects.requireNonNull(format, "webhook.format");
            return this;
        }

        /** Which notifications to send (default: all of them). */
        public Builder notifications(Notification... notifications) {
            Objects.requireNonNull(notifications, "webhook.notifications");
            return notifications(java.util.Arrays.asList(notifications));
        }

        /** Which notifications to send (default: all of them); replaces the set. */
        public Builder notifications(Collection<Notification> notifications) {
            Objects.requireNonNull(notifications, "webhook.notifications");
            if (notifications.isEmpty()) {
                throw new IllegalArgumentException("webhook.notifications must name at least one notification");
            }
            for (Notification n : notifications) {
                Objects.requireNonNull(n, "webhook.notifications contains null");
            }
            this.notifications.clear();
            this.notifications.addAll(notifications);
            return this;
        }

        /** A header sent with every post (e.g. an authorization token); its value is never logged. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "webhook.header name");
            Objects.requireNonNull(value, "webhook.header[\"" + name + "\"]");
            if (name.isBlank() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
                throw new IllegalArgumentException("webhook.header name must be a token, was '" + name + "'");
            }
            headers.put(name, value);
            return this;
        }

        /** The time one post may take (default 5 s); retries come on top, within the guarded executor's limits. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "webhook.timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("webhook.timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** How many notifications may wait (default 1,000); beyond it the newest is dropped with a warning. */
        public Builder queueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("webhook.queueCapacity must be at least 1, was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * Where deliveries run (default: one daemon thread of the notifier's own). Tests on virtual time
         * pass {@code Runnable::run}, so posts and their retries happen in the deployment's time.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "webhook.executor");
            return this;
        }

        /** The name it is known by as a provider (meters, circuit breaker); default {@code webhook}. Unique per Cutover. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "webhook.name");
            if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
                throw new IllegalArgumentException("webhook.name must be lower-case letters, digits and '-', was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        public WebhookNotifier build() {
            if (url == null) {
                throw new IllegalStateException("webhook.url is required: WebhookNotifier.builder().url(URI.create(...))");
            }
            return new WebhookNotifier(this);
        }
    }
}
