package dev.cutover.internal;

import java.util.regex.Pattern;

/** What a Secrets Manager reference may look like: a secret name, or an ARN with an optional JSON key suffix. */
public final class SecretRefs {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    private static final Pattern NAME_WITH_KEY = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}:[A-Za-z0-9_.-]{1,256}");
    private static final Pattern ARN = Pattern.compile(
            "arn:aws(-cn|-us-gov|-iso|-iso-b)?:secretsmanager:[a-z]{2}(-gov)?-[a-z]+-\\d:\\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}"
                    + "(:[A-Za-z0-9_.-]*(:[A-Za-z0-9_.-]*(:[A-Za-z0-9_.-]*)?)?)?");

    private SecretRefs() {
    }

    public static boolean isValid(String ref) {
        if (ref == null) {
            return false;
        }
        if (ref.startsWith("arn:")) {
            return ARN.matcher(ref).matches();
        }
        return NAME.matcher(ref).matches() || NAME_WITH_KEY.matcher(ref).matches();
    }
}
