package dev.cutover;

import dev.cutover.internal.Names;
import dev.cutover.internal.Problems;
import dev.cutover.internal.SecretRefs;
import java.util.regex.Pattern;

/** The build-time checks of {@link Logs}. */
final class LogsCheck {

    private static final Pattern GROUP = Pattern.compile("[.\\-_/#A-Za-z0-9]{1,512}");
    /** A Datadog API key is 32 hexadecimal characters. */
    private static final Pattern LITERAL_KEY = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern SITE = Pattern.compile("[a-z0-9]+([.-][a-z0-9]+)*\\.[a-z]{2,}");

    private LogsCheck() {
    }

    /** Checks a log configuration: names, and that no secret value sits where a reference belongs. */
    static void validate(Logs logs, String at, Problems p) {
        if (logs instanceof Logs.AwsLogs a) {
            p.check(a.group().isEmpty() || GROUP.matcher(a.group()).matches(), at + ".group", a.group(),
                    "must be 1-512 of letters, digits and . - _ / # (CloudWatch Logs' rule)");
            p.check(a.streamPrefix().isEmpty() || !a.streamPrefix().matches(".*[:*].*") && a.streamPrefix().length() <= 512,
                    at + ".streamPrefix", a.streamPrefix(), "must not contain ':' or '*' (CloudWatch Logs' rule)");
            p.check(a.region().isEmpty() || Names.isRegion(a.region()), at + ".region", a.region(),
                    "is not an AWS region name like us-east-1");
        } else if (logs instanceof Logs.Datadog d) {
            if (LITERAL_KEY.matcher(d.apiKeySecret()).matches()) {
                p.add(at + ".apiKeySecret", "(hidden)", "looks like a literal Datadog API key; never put the key in a "
                        + "deployment: store it in Secrets Manager and pass the secret's name or ARN");
            } else {
                p.check(SecretRefs.isValid(d.apiKeySecret()), at + ".apiKeySecret", d.apiKeySecret(),
                        "must be a Secrets Manager secret name or ARN that holds the Datadog API key");
            }
            p.check(SITE.matcher(d.site()).matches(), at + ".site", d.site(), "must be a Datadog site like datadoghq.com");
            d.tags().forEach((k, v) -> {
                if (Names.looksSecret(k) || LITERAL_KEY.matcher(v).matches()) {
                    p.add(at + ".tags." + k, "(hidden)", "looks like a secret; log options are readable by anyone who can "
                            + "describe the task definition, never put a secret there");
                }
                p.check(k.matches("[A-Za-z0-9_./-]{1,200}") && !v.contains(","), at + ".tags." + k, null,
                        "tag keys are letters, digits and _ . / -, values without ','");
            });
            p.check(d.source().isEmpty() || d.source().matches("[A-Za-z0-9_.-]{1,100}"), at + ".source", d.source(),
                    "must be 1-100 letters, digits and _ . -");
            java.util.List<String> errors = new java.util.ArrayList<>();
            ImageRef.tryParse(d.routerImage(), errors);
            errors.forEach(e -> p.add(at + ".routerImage", d.routerImage(), e));
        }
    }
}
