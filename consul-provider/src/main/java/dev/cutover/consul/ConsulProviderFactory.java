package dev.cutover.consul;

import dev.cutover.spi.Provider;
import dev.cutover.spi.ProviderConfig;
import dev.cutover.spi.ProviderFactory;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates a {@link ConsulProvider} from {@code consul.*} keys; found by {@code ServiceLoader}.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><td>{@code consul.url}</td><td>agent address, default {@code http://127.0.0.1:8500}</td></tr>
 *   <tr><td>{@code consul.token}</td><td>ACL token (never logged)</td></tr>
 *   <tr><td>{@code consul.datacenter}</td><td>datacenter, default the agent's</td></tr>
 *   <tr><td>{@code consul.kv-prefix}</td><td>root of Cutover's keys, default {@code cutover/}</td></tr>
 *   <tr><td>{@code consul.lock-delay}</td><td>e.g. {@code 15s}</td></tr>
 *   <tr><td>{@code consul.session-renewal}</td><td>e.g. {@code 10s}; {@code 0s} disables</td></tr>
 *   <tr><td>{@code consul.timeout}</td><td>per-call timeout, e.g. {@code 10s}</td></tr>
 * </table>
 *
 * <pre>{@code
 * Provider consul = new ConsulProviderFactory().create(ProviderConfig.of(Map.of(
 *     "consul.url", "http://consul.internal:8500", "consul.datacenter", "prod")));
 * }</pre>
 * Durations are Go-style ({@code 500ms}, {@code 15s}, {@code 2m}) or ISO-8601 ({@code PT15S}).
 */
public final class ConsulProviderFactory implements ProviderFactory {

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public String name() {
        return ConsulProvider.NAME;
    }

    @Override
    public Provider create(ProviderConfig config) {
        Objects.requireNonNull(config, "config");
        ConsulProvider.Builder b = ConsulProvider.builder();
        config.find("consul.url").ifPresent(b::url);
        config.find("consul.token").filter(t -> !t.isBlank()).ifPresent(b::aclToken);
        config.find("consul.datacenter").filter(t -> !t.isBlank()).ifPresent(b::datacenter);
        config.find("consul.kv-prefix").ifPresent(b::kvPrefix);
        config.find("consul.lock-delay").map(v -> duration("consul.lock-delay", v)).ifPresent(b::lockDelay);
        config.find("consul.session-renewal").map(v -> duration("consul.session-renewal", v)).ifPresent(b::sessionRenewal);
        config.find("consul.timeout").map(v -> duration("consul.timeout", v)).ifPresent(b::timeout);
        return b.build();
    }

    static Duration duration(String key, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Matcher m = GO_DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a duration; use e.g. 500ms, 15s, 2m or PT15S");
        }
    }
}
