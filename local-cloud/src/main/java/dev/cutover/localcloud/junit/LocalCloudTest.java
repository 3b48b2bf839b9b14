package dev.cutover.localcloud.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test method a fresh {@link dev.cutover.localcloud.LocalCloud} (virtual clock, random
 * port on 127.0.0.1), injected as a parameter and closed after the test.
 *
 * <pre>{@code
 * @LocalCloudTest(seed = 7)
 * class DeployTest {
 *     @Test
 *     void rollsOut(LocalCloud cloud) {
 *         EcsClient ecs = EcsClient.builder().endpointOverride(cloud.endpoint())...build();
 *         cloud.clock().advance(Duration.ofMinutes(5));
 *     }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LocalCloudExtension.class)
public @interface LocalCloudTest {

    /** The seed of faults and simulated traffic. */
    long seed() default 42L;

    /** Whether AWS-rate throttling is on (it is on by default, as in AWS). */
    boolean throttling() default true;
}
