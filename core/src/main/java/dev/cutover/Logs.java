package dev.cutover;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a service's container logs go: CloudWatch Logs through the {@code awslogs} driver (the
 * default) or Datadog through a FireLens log router. Set on an environment (every service) or on
 * one service (it wins).
 *
 * <pre>{@code
 * Environment.named("prod")...logs(Logs.awslogs().group("/shop/prod").streamPrefix("web")).build();
 * Service.named("orders")...logs(Logs.datadog("prod/datadog/api-key").site("datadoghq.eu").source("java")).build();
 * }</pre>
 *
 * <p>The Datadog API key is a Secrets Manager reference (name or ARN), never the key: ECS injects
 * it into the log router ({@code secretOptions}); a literal key is rejected at build time.
 */
public sealed interface Logs {

    /** CloudWatch Logs with the provider's defaults (group {@code <prefix>/<environment>/<service>}). */
    static AwsLogs awslogs() {
        return new AwsLogs("", "", "");
    }

    /** Datadog through a FireLens (Fluent Bit) log router; {@code apiKeySecret} is a Secrets Manager name or ARN. */
    static Datadog datadog(String apiKeySecret) {
        return new Datadog(Objects.requireNonNull(apiKeySecret, "logs.apiKeySecret"), "datadoghq.com", "", Map.of(),
                Datadog.DEFAULT_ROUTER_IMAGE);
    }

    /** One line for plans: {@code awslogs group=/x prefix=y} or {@code datadog site=... key=<reference>}. */
    String describe();

    /**
     * The {@code awslogs} driver. Empty values mean the provider's defaults (group
     * {@code <logGroupPrefix>/<environment>/<service>}, stream prefix = the service name, region =
     * the environment's).
     *
     * @param group        the log group
     * @param streamPrefix the stream prefix
     * @param region       the log group's Region
     */
    record AwsLogs(String group, String streamPrefix, String region) implements Logs {
        public AwsLogs {
            Objects.requireNonNull(group, "logs.group");
            Objects.requireNonNull(streamPrefix, "logs.streamPrefix");
            Objects.requireNonNull(region, "logs.region");
        }

        /** This configuration with another log group. */
        public AwsLogs group(String group) {
            return new AwsLogs(group, streamPrefix, region);
        }

        /** This configuration with another stream prefix. */
        public AwsLogs streamPrefix(String streamPrefix) {
            return new AwsLogs(group, streamPrefix, region);
        }

        /** This configuration with the log group in another Region. */
        public AwsLogs region(String region) {
            return new AwsLogs(group, streamPrefix, region);
        }

        @Override
        public String describe() {
            return "awslogs group=" + (group.isEmpty() ? "(default)" : group) + " prefix="
                    + (streamPrefix.isEmpty() ? "(service)" : streamPrefix) + " region=" + (region.isEmpty() ? "(default)" : region);
        }
    }

    /**
     * Datadog through FireLens: a Fluent Bit log router container ({@code log_router}) and the
     * {@code awsfirelens} driver on the service's container, with the API key as a secret reference.
     *
     * @param apiKeySecret the Secrets Manager secret (name or ARN) that holds the Datadog API key
     * @param site         the Datadog site, e.g. {@code datadoghq.com} or {@code datadoghq.eu}
     * @param source       {@code dd_source} (empty: none)
     * @param tags         {@code dd_tags}
     * @param routerImage  the Fluent Bit image of the log router
     */
    record Datadog(String apiKeySecret, String site, String source, Map<String, String> tags, String routerImage)
            implements Logs {
        /** AWS for Fluent Bit, the log router image AWS documents for FireLens. */
        public static final String DEFAULT_ROUTER_IMAGE = "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable";

        public Datadog {
            Objects.requireNonNull(apiKeySecret, "logs.apiKeySecret");
            Objects.requireNonNull(site, "logs.site");
            Objects.requireNonNull(source, "logs.source");
            tags = java.util.Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(tags, "logs.tags")));
            Objects.requireNonNull(routerImage, "logs.routerImage");
        }

        /** This configuration with another Datadog site. */
        public Datadog site(String site) {
            return new Datadog(apiKeySecret, site, source, tags, routerImage);
        }

        /** This configuration with {@code dd_source}. */
        public Datadog source(String source) {
            return new Datadog(apiKeySecret, site, source, tags, routerImage);
        }

        /** This configuration with one more {@code dd_tags} entry. */
        public Datadog tag(String key, String value) {
            Map<String, String> t = new TreeMap<>(tags);
            t.put(Objects.requireNonNull(key, "logs.tags"), Objects.requireNonNull(value, "logs.tags[\"" + key + "\"]"));
            return new Datadog(apiKeySecret, site, source, t, routerImage);
        }

        /** This configuration with another log router image. */
        public Datadog routerImage(String image) {
            return new Datadog(apiKeySecret, site, source, tags, image);
        }

        /** The Datadog log intake host of the site. */
        public String host() {
            return "http-intake.logs." + site;
        }

        @Override
        public String describe() {
            return "datadog site=" + site + " source=" + (source.isEmpty() ? "-" : source) + " tags=" + tags
                    + " apiKey=secret:" + apiKeySecret + " router=" + routerImage;
        }

        @Override
        public String toString() {
            return "Logs.Datadog[" + describe() + "]";
        }
    }
}
