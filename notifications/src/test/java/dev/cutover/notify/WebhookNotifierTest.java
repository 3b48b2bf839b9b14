package dev.cutover.notify;

import static dev.cutover.Strategies.canary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.Cutover;
import dev.cutover.Deployment;
import dev.cutover.DeploymentStatus;
import dev.cutover.Environment;
import dev.cutover.inmemory.InMemoryProvider;
import dev.cutover.Release;
import dev.cutover.Service;
import dev.cutover.time.Scheduler;
import dev.cutover.time.VirtualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The notifier against a real HTTP receiver on 127.0.0.1, with Cutover on the in-memory provider. */
class WebhookNotifierTest {

    static final String TOKEN = "T000/B000/XXXXsecretXXXX";
    static final Environment STAGE = Environment.named("stage").region("us-east-1").cluster("main").mesh("internal")
            .namespace("stage.local").build();

    final VirtualScheduler time = Scheduler.virtual(Instant.parse("2026-01-01T00:00:00Z"));
    final InMemoryProvider cloud = new InMemoryProvider().addSecret("prod/orders/db");
    final Receiver receiver = new Receiver();

    @AfterEach
    void stop() {
        receiver.close();
    }

    static Release release(String version, Environment env) {
        Service orders = Service.named("orders").image("repo/orders:" + version).port(8080).cpu(256).memoryMiB(512)
                .instances(2).secret("DB_PASSWORD", "prod/orders/db")
                .healthCheck(h -> h.path("/health").interval(Duration.ofSeconds(10))).build();
        return Release.of(orders).to(env).strategy(canary().steps(10, 50, 100).bake(Duration.ofMinutes(5))).build();
    }

    Cutover cutover(WebhookNotifier notifier, SimpleMeterRegistry meters) {
        return Cutover.builder().provider(cloud).discoverProviders(false).scheduler(time).meterRegistry(meters)
                .listener(notifier).build();
    }

    WebhookNotifier.Builder notifier() {
        return WebhookNotifier.builder().url(receiver.url()).executor(Runnable::run).header("Authorization", "Bearer hdr-secret");
    }

    @Test
    void approvalPromotionAndAbortArePostedAsGenericJsonInTheOrderTheyHappened() {
        Environment prod = Environment.named("prod").region("us-east-1").cluster("main").mesh("internal")
                .namespace("prod.local").requireApproval().build();
        Cutover cutover = cutover(notifier().build(), new SimpleMeterRegistry());
        Deployment first = cutover.apply(cutover.plan(release("1.0.0", prod)));
        first.await(Duration.ofMinutes(30));
        first.approve();
        assertThat(first.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment d = cutover.apply(cutover.plan(release("2.0.0", prod)));
        d.await(Duration.ofMinutes(30));
        assertThat(d.status()).isEqualTo(DeploymentStatus.AWAITING_APPROVAL);
        d.approve();
        assertThat(d.await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        Deployment aborted = cutover.apply(cutover.plan(release("3.0.0", prod)));
        aborted.await(Duration.ofMinutes(1));
        aborted.abort();
        assertThat(aborted.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);

        List<String> kinds = receiver.bodies.stream().map(b -> b.replaceAll(".*\"kind\":\"([A-Z_]+)\".*", "$1")).toList();
        assertThat(kinds).containsExactly("STARTED", "AWAITING_APPROVAL", "PROMOTED", "STARTED", "AWAITING_APPROVAL",
                "PROMOTED", "STARTED", "ROLLED_BACK");
        assertThat(kinds).doesNotContain("FAILED");
        String approval = receiver.bodies.stream().filter(b -> b.contains("AWAITING_APPROVAL")).reduce((a, b) -> b).orElseThrow();
        assertThat(approval).contains("\"environment\":\"prod\"", "\"service\":\"orders\"", "\"step\":3", "\"timeoutSeconds\":");
        assertThat(receiver.headers).allMatch(h -> h.equals("Bearer hdr-secret"));
    }

    @Test
    void slackBodiesCarryOnlyText() {
        Cutover cutover = cutover(notifier().format(WebhookFormat.SLACK).notifications(Notification.STARTED).build(),
                new SimpleMeterRegistry());
        cutover.apply(cutover.plan(release("1.0.0", STAGE))).await();
        assertThat(receiver.bodies).singleElement().asString()
                .startsWith("{\"text\":\":rocket: *stage/orders* deploying 1.0.0").endsWith("}").doesNotContain("kind");
    }

    @Test
    void a5xxIsRetriedThroughTheGuardedExecutorAndA4xxIsNot() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        receiver.answer(new int[] {503, 503, 200, 400});
        WebhookNotifier notifier = notifier().notifications(Notification.STARTED, Notification.PROMOTED).build();
        Cutover cutover = cutover(notifier, meters);
        assertThat(cutover.apply(cutover.plan(release("1.0.0", STAGE))).await()).isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(receiver.requests()).as("STARTED: 503, 503, 200; PROMOTED: 400, not retried").isEqualTo(4);
        assertThat(notifier.counts()).containsEntry("delivered", 1L).containsEntry("failed", 1L);
        assertThat(meters.find("cutover.provider.calls").tag("provider", "webhook").timers()).isNotEmpty();
    }

    @Test
    void aWebhookThatHangsNeverHoldsUpTheRolloutAndIsDeliveredLater() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        receiver.blockUntil(release);
        WebhookNotifier notifier = WebhookNotifier.builder().url(receiver.url()).timeout(Duration.ofMinutes(1)).build();
        Cutover cutover = cutover(notifier, new SimpleMeterRegistry());
        Deployment d = cutover.apply(cutover.plan(release("1.0.0", STAGE)));
        assertThat(d.await()).as("the deployment finished while the webhook hung").isEqualTo(DeploymentStatus.SUCCEEDED);
        assertThat(notifier.counts()).containsEntry("delivered", 0L);
        release.countDown();
        assertThat(notifier.flush(Duration.ofMinutes(1))).isTrue();
        assertThat(notifier.counts()).containsEntry("delivered", 2L); // STARTED and PROMOTED
        notifier.close();
    }

    @Test
    void theUrlsTokenAndHeaderValuesAppearNowhereButOnTheWire() {
        WebhookNotifier notifier = notifier().build();
        assertThat(notifier.toString()).contains("http://127.0.0.1:").doesNotContain(TOKEN, "hdr-secret");
        receiver.answer(new int[] {500});
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> notifierPost(notifier));
        assertThat(refused).isInstanceOf(WebhookNotifier.WebhookException.class);
        assertThat(refused.getMessage()).contains("HTTP 500").doesNotContain(TOKEN, "hdr-secret");
        receiver.close();
        Throwable unreachable = org.assertj.core.api.Assertions.catchThrowable(() -> notifierPost(notifier));
        assertThat(unreachable).isInstanceOf(WebhookNotifier.WebhookException.class);
        assertThat(unreachable.getMessage()).contains("did not answer").doesNotContain(TOKEN, "hdr-secret");
    }

    @Test
    void badSettingsAreRefusedWithTheFieldName() {
        assertThatThrownBy(() -> WebhookNotifier.builder().url(URI.create("ftp://example.invalid/x")))
                .hasMessageContaining("webhook.url").hasMessageNotContaining("example.invalid/x");
        assertThatThrownBy(() -> WebhookNotifier.builder().build()).hasMessageContaining("webhook.url is required");
        assertThatThrownBy(() -> WebhookNotifier.builder().header("X", null)).hasMessageContaining("webhook.header[\"X\"]");
        assertThatThrownBy(() -> WebhookNotifier.builder().notifications(List.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> WebhookNotifier.builder().timeout(Duration.ZERO)).hasMessageContaining("webhook.timeout");
    }

    @Test
    void jsonIsEscaped() {
        assertThat(WebhookNotifier.json(Map.of("text", "a \"quoted\"\nline\\"))).isEqualTo("{\"text\":\"a \\\"quoted\\\"\\nline\\\\\"}");
    }

    private static void notifierPost(WebhookNotifier notifier) throws Exception {
        var m = WebhookNotifier.class.getDeclaredMethod("post", byte[].class);
        m.setAccessible(true);
        try {
            m.invoke(notifier, (Object) "{}".getBytes(StandardCharsets.UTF_8));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    /** A webhook receiver on 127.0.0.1 that records bodies and answers scripted statuses (then 200). */
    static final class Receiver implements AutoCloseable {
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final List<String> headers = new CopyOnWriteArrayList<>();
        private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        private final HttpServer server;
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private volatile int requests;

        Receiver() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                try {
                    gate.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                requests++;
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                headers.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                Integer status = statuses.poll();
                int code = status == null ? 200 : status;
                if (code == 200) {
                    bodies.add(body);
                }
                exchange.sendResponseHeaders(code, -1);
                exchange.close();
            });
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "webhook-receiver");
                t.setDaemon(true);
                return t;
            }));
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/services/" + TOKEN);
        }

        void answer(int[] codes) {
            for (int c : codes) {
                statuses.add(c);
            }
        }

        void blockUntil(CountDownLatch latch) {
            gate = latch;
        }

        int requests() {
            return requests;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
