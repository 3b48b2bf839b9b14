package dev.cutover.localcloud;

import java.time.Duration;

/**
 * Faults the local cloud injects in front of its AWS emulators, all reproducible with the cloud's
 * seed and driven by its {@link SimClock}. Services are named as the emulators name themselves:
 * {@code ecs}, {@code appmesh}, {@code servicediscovery}, {@code secretsmanager},
 * {@code autoscaling}; {@code "*"} means every service.
 *
 * <p>Throttling is <b>on by default</b>: one token bucket per API family, per Region, at AWS's
 * documented rates (ECS: e.g. RegisterTaskDefinition 20 burst / 1 per second, UpdateService 50 / 5,
 * DescribeServices 100 / 20), refilled by simulated time; a throttled call is answered with
 * {@code ThrottlingException} (HTTP 400), App Mesh with {@code TooManyRequestsException} (429).
 *
 * <pre>{@code
 * cloud.faults()
 *      .serverErrors("ecs", 0.1)                 // 10% of ECS calls answer 500/503, seeded
 *      .latency("appmesh", Duration.ofMillis(300))
 *      .dropConnections("ecs", 1)                // the next ECS call sees a connection reset
 *      .outage("servicediscovery", true)         // every Cloud Map call answers 503
 *      .loseResponses("ecs", "CreateService", 1) // the next CreateService is applied, its answer lost
 *      .lostResponseRate("ecs", 0.05);           // 5% of ECS calls: applied, then the connection drops
 * cloud.faults().throttling(false);             // e.g. for a load test
 * cloud.faults().reset();
 * }</pre>
 *
 * <p>Admin endpoint: {@code POST /_localcloud/faults} with
 * {@code {"service":"ecs","serverErrorRate":0.1,"latencyMillis":300,"dropConnections":1,"outage":true}},
 * {@code {"service":"ecs","operation":"RunTask","loseResponses":1}}, {@code {"service":"ecs","lostResponseRate":0.05}}
 * or {@code {"throttling":false}} or {@code {"reset":true}}.
 */
public interface Faults {

    /** Turns AWS-rate throttling on (the default) or off. */
    Faults throttling(boolean enabled);

    /**
     * Overrides the token bucket of one operation (it gets a bucket of its own).
     *
     * @param burst     the bucket size
     * @param perSecond the refill rate in tokens per simulated second
     */
    Faults throttle(String service, String operation, int burst, double perSecond);

    /** Answers this share (0..1) of the service's calls with a 500 or 503, chosen by the seeded RNG. */
    Faults serverErrors(String service, double probability);

    /**
     * Adds latency to every call of the service. With a virtual clock it is only recorded (see
     * {@link #addedLatency(String)}), so tests never wait; with a real-time clock the call waits
     * the latency divided by the clock's speed.
     */
    Faults latency(String service, Duration added);

    /** Drops the connection of the service's next {@code count} calls without an answer. */
    Faults dropConnections(String service, int count);

    /**
     * Applied, then the response is lost: the service's next {@code count} calls are carried out in
     * full (a service created, a task started) and then the connection is dropped without an answer,
     * so the SDK sees an I/O error and a retry repeats a write that already took effect. Only calls
     * the service answered with success lose their answer (a rejected call changed nothing).
     * This is what AWS's client tokens ({@code clientToken} on ECS CreateService/RunTask, App Mesh
     * creates; {@code CreatorRequestId} on Cloud Map) exist for.
     */
    Faults loseResponses(String service, int count);

    /**
     * Like {@link #loseResponses(String, int)}, for one operation only: a JSON-protocol operation name
     * ({@code "CreateService"}, {@code "RunTask"}, {@code "RegisterInstance"}), or for App Mesh's
     * REST-JSON API a prefix of {@code "METHOD /path"} ({@code "PUT /v20190125/meshes/shop/virtualNodes"}).
     * {@code null} means every operation of the service.
     */
    Faults loseResponses(String service, String operation, int count);

    /**
     * Loses the answer of this share (0..1) of the service's successful calls after they were applied,
     * chosen by the seeded RNG (for chaos runs).
     */
    Faults lostResponseRate(String service, double probability);

    /** How many answers of the service were lost after the call was applied, so far. */
    long lostResponses(String service);

    /** Switches an outage of the service on or off: every call answers 503 ServiceUnavailableException. */
    Faults outage(String service, boolean down);

    /** Clears every fault and override and refills every bucket; throttling is on again. */
    Faults reset();

    /** The latency added to the service's calls so far (recorded even when nobody waited). */
    Duration addedLatency(String service);

    /** How many calls of the service were throttled so far. */
    long throttledCalls(String service);
}
