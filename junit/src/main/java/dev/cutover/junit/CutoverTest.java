package dev.cutover.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test method a fresh {@link LocalCutover}: a local cloud started on 127.0.0.1 and a
 * virtual-time {@link dev.cutover.Cutover} wired to it through the AWS provider. Test methods (and
 * constructors, {@code @BeforeEach} methods) declare what they need as parameters —
 * {@link dev.cutover.Cutover}, {@link dev.cutover.localcloud.LocalCloud}, {@link LocalCutover},
 * {@link dev.cutover.aws.AwsProvider} or {@link dev.cutover.time.VirtualScheduler} — and the world is
 * closed after the test, so nothing carries over to the next one.
 *
 * <pre>{@code
 * @CutoverTest(datadog = true)
 * class OrdersDeploymentTest {
 *     @Test
 *     void aBadImageIsRolledBack(Cutover cutover, LocalCloud cloud) {
 *         cloud.images().behave("repo/orders:2.0.0", ImageBehavior.errorRate(0.3));
 *         Deployment d = cutover.apply(cutover.plan(MyReleases.orders("2.0.0")));
 *         assertThat(d.await()).isEqualTo(DeploymentStatus.ROLLED_BACK);
 *     }
 * }
 * }</pre>
 *
 * <p>For wiring the annotation cannot express (a journal, listeners, provider options), register the
 * extension in code: {@code @RegisterExtension static CutoverExtension cutover = CutoverExtension.with(b -> b.cutover(c -> c.journal(store)));}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(CutoverExtension.class)
public @interface CutoverTest {

    /** The seed of the cloud's faults and simulated traffic. */
    long seed() default 42L;

    /** Whether the cloud throttles at AWS's documented rates (on by default, as in AWS). */
    boolean throttling() default true;

    /** Whether Consul holds locks and config (needs {@code cutover-consul} on the test class path). */
    boolean consul() default false;

    /** Whether metric gates read the local Datadog (needs {@code cutover-datadog} on the test class path). */
    boolean datadog() default false;
}
