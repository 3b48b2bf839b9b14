package dev.cutover.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * ECS's documented size limits that a service's values must fit, checked at build time so that a
 * too-large release fails with a path and a fix instead of a {@code ClientException} at apply.
 *
 * <ul>
 *   <li>Task definition size: 64 KiB, not adjustable — Amazon ECS Developer Guide, "Amazon ECS
 *       service quotas" ("Task definition size … 64 Kilobytes … The maximum size, in KiB, of a task
 *       definition"; older editions said 32 KiB).</li>
 *   <li>RunTask overrides: "A total of 8192 characters are allowed for overrides. This limit includes
 *       the JSON formatting characters of the override structure." — botocore ECS model
 *       (ecs/2014-11-13/service-2.json), {@code RunTaskRequest.overrides}.</li>
 *   <li>Names: a task definition family, container name and service name are "Up to 255 letters
 *       (uppercase and lowercase), numbers, underscores, and hyphens" — same model,
 *       {@code RegisterTaskDefinitionRequest.family}, {@code ContainerDefinition.name},
 *       {@code CreateServiceRequest.serviceName}. Cutover's names are DNS labels of at most 63
 *       characters ({@link Names#checkName}), so a family {@code <environment>-<service>} (≤ 127)
 *       and a per-revision service name {@code <family>-<revision>} stay well inside 255.</li>
 * </ul>
 */
public final class EcsLimits {

    /** The whole registered task definition, JSON, in bytes. */
    public static final int TASK_DEFINITION_BYTES = 64 * 1024;

    /**
     * What Cutover keeps of {@link #TASK_DEFINITION_BYTES} for what it adds around the user's values:
     * port mappings, health check, log configuration, labels, tags, an Envoy sidecar in App Mesh mode.
     */
    public static final int RESERVED_BYTES = 8 * 1024;

    /** RunTask's {@code overrides}, JSON formatting included, in characters. */
    public static final int RUN_TASK_OVERRIDES_CHARS = 8192;

    /** {@code {"containerOverrides":[{"name":"app","command":[]}]}}: the override around a hook's command. */
    private static final int OVERRIDE_FRAME_CHARS = 50;

    /** A Secrets Manager ARN is longer than the name it is resolved from: region, account, 6-character suffix. */
    private static final int ARN_EXTRA_BYTES = 80;

    private EcsLimits() {
    }

    /**
     * Adds a problem at {@code <at>.env} when the image, environment variables and secrets would not
     * fit one ECS task definition next to what Cutover adds.
     */
    public static void checkContainerSize(String image, Map<String, String> env, Map<String, String> secrets,
            String at, Problems p) {
        long bytes = image == null ? 0 : jsonBytes(image);
        for (Map.Entry<String, String> e : env.entrySet()) {
            bytes += jsonBytes(e.getKey()) + jsonBytes(e.getValue()) + "{\"name\":\"\",\"value\":\"\"},".length();
        }
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            // the container's secret entry (reference resolved to an ARN) and the label that remembers the reference
            bytes += jsonBytes(e.getKey()) * 2 + jsonBytes(e.getValue()) * 2 + ARN_EXTRA_BYTES
                    + "{\"name\":\"\",\"valueFrom\":\"\"},\"cutover.secret.\":\"\",".length();
        }
        long budget = TASK_DEFINITION_BYTES - RESERVED_BYTES;
        if (bytes > budget) {
            p.add(at + ".env", "(" + env.size() + " variables, " + secrets.size() + " secrets: " + bytes + " bytes)",
                    "the image, environment variables and secrets take " + bytes + " bytes of the task definition; ECS "
                            + "allows 64 KiB for a whole task definition and Cutover keeps " + RESERVED_BYTES / 1024
                            + " KiB of it, so keep them under " + budget + " bytes: move large values to "
                            + ".config(key, value) (the config store) or into the image");
        }
    }

    /** Adds a problem at {@code <at>.command} when RunTask could not carry the hook's command as an override. */
    public static void checkHookCommand(List<String> command, String at, Problems p) {
        long chars = OVERRIDE_FRAME_CHARS;
        for (String word : command) {
            chars += jsonChars(word) + 3;   // quotes and comma
        }
        p.check(chars <= RUN_TASK_OVERRIDES_CHARS, at + ".command", "(" + command.size() + " words, " + chars + " chars as JSON)",
                "is too long: ECS RunTask allows 8192 characters of overrides, JSON included; "
                        + "put the long part in a script inside the image");
    }

    /** The UTF-8 size of {@code s} as a JSON string body (escapes counted). */
    static long jsonBytes(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += escapedExtra(c);
        }
        return n + s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The length of {@code s} in characters as a JSON string body (escapes counted). */
    static long jsonChars(String s) {
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            n += escapedExtra(s.charAt(i));
        }
        return n;
    }

    private static int escapedExtra(char c) {
        if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
            return 1;
        }
        return c < 0x20 ? 5 : 0;
    }
}
