package dev.cutover.consul.internal;

import dev.cutover.spi.ProviderException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where Cutover keeps things in Consul KV, and the rules keys and values must follow:
 * <pre>
 * &lt;prefix&gt;&lt;env&gt;/_namespace                 the environment's discovery namespace
 * &lt;prefix&gt;&lt;env&gt;/&lt;service&gt;/config/&lt;key&gt;      configuration entries
 * &lt;prefix&gt;&lt;env&gt;/&lt;service&gt;/discovery         the service's discovery registration
 * &lt;prefix&gt;&lt;env&gt;/&lt;service&gt;/lock              the deployment lock
 * </pre>
 */
public final class ConsulKeys {

    /** Consul's default {@code kv_max_value_size}. */
    public static final int MAX_VALUE_BYTES = 512 * 1024;

    private static final Pattern CONFIG_KEY = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");
    private static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

    private final String prefix;

    /** @param prefix the root of every key, e.g. {@code cutover/} (a trailing slash is added when missing) */
    public ConsulKeys(String prefix) {
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        if (p.startsWith("/") || !p.substring(0, p.length() - 1).isEmpty() && !CONFIG_KEY.matcher(p.substring(0, p.length() - 1)).matches()) {
            throw new IllegalArgumentException("KV prefix '" + prefix + "' must be '/'-separated segments of letters, digits, "
                    + "'_', '.', '-' without a leading '/', e.g. 'cutover/'");
        }
        this.prefix = p;
    }

    public String prefix() {
        return prefix;
    }

    /** {@code <prefix><env>/<service>/}. */
    public String serviceRoot(String operation, String environment, String service) {
        return prefix + name(operation, "environment", environment) + "/" + name(operation, "service", service) + "/";
    }

    /** {@code <prefix><env>/<service>/config/}. */
    public String configPrefix(String operation, String environment, String service) {
        return serviceRoot(operation, environment, service) + "config/";
    }

    /** The KV key of one config entry, after checking the entry's key. */
    public String configKey(String operation, String environment, String service, String key) {
        if (key == null || key.isEmpty() || key.length() > 256 || !CONFIG_KEY.matcher(key).matches()
                || key.equals(".") || key.contains("..")) {
            throw invalid(operation, "config key '" + printable(key) + "' is invalid: keys are 1-256 of letters, digits, "
                    + "'_', '.', '-' in '/'-separated segments, without '..'");
        }
        return configPrefix(operation, environment, service) + key;
    }

    /** {@code <prefix><env>/_namespace}. */
    public String namespaceKey(String operation, String environment) {
        return prefix + name(operation, "environment", environment) + "/_namespace";
    }

    /** {@code <prefix><env>/<service>/discovery}. */
    public String discoveryKey(String operation, String environment, String service) {
        return serviceRoot(operation, environment, service) + "discovery";
    }

    /**
     * The KV key of a deployment lock; {@code lockName} is {@code <env>/<service>} (what
     * {@code Release.key()} returns) or any other '/'-separated name.
     */
    public String lockKey(String operation, String lockName) {
        if (lockName == null || lockName.isEmpty() || lockName.length() > 256 || !CONFIG_KEY.matcher(lockName).matches()
                || lockName.contains("..")) {
            throw invalid(operation, "lock name '" + printable(lockName) + "' is invalid: use <environment>/<service>, "
                    + "'/'-separated segments of letters, digits, '_', '.', '-'");
        }
        return prefix + lockName + "/lock";
    }

    /** Checks a value against Consul's 512 KiB limit and returns its UTF-8 bytes. */
    public static byte[] checkValue(String operation, String key, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_VALUE_BYTES) {
            throw invalid(operation, "value for '" + key + "' is " + bytes.length + " bytes; Consul KV holds at most 512 KiB ("
                    + MAX_VALUE_BYTES + " bytes) per key: keep large payloads elsewhere and store a reference");
        }
        return bytes;
    }

    private static String name(String operation, String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw invalid(operation, what + " name '" + printable(value) + "' is invalid: use 1-63 lowercase letters, digits "
                    + "and hyphens, starting with a letter");
        }
        return value;
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder sb = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    private static ProviderException invalid(String operation, String message) {
        return new ProviderException(ConsulCalls.PROVIDER, operation, false, message);
    }
}
