package dev.cutover.internal;

import java.util.regex.Pattern;

/** The shared rules for names, DNS names, regions and environment variable names. */
public final class Names {

    private static final Pattern NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\\d");
    private static final Pattern ENV_VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SECRETISH = Pattern.compile(
            ".*(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|CREDENTIAL).*", Pattern.CASE_INSENSITIVE);

    private Names() {
    }

    /** A name usable in ECS, App Mesh, Cloud Map (DNS label) and Consul, or a message why not. */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            return "must not be empty; use 1-63 lowercase letters, digits and hyphens, starting with a letter";
        }
        if (name.length() > 63) {
            return "is " + name.length() + " characters long; use at most 63 (it becomes a DNS label)";
        }
        if (!NAME.matcher(name).matches()) {
            return "must be 1-63 lowercase letters, digits and hyphens, start with a letter and not end with a hyphen";
        }
        return null;
    }

    public static boolean isRegion(String region) {
        return region != null && REGION.matcher(region).matches();
    }

    public static boolean isEnvVarName(String name) {
        return name != null && ENV_VAR.matcher(name).matches();
    }

    public static boolean looksSecret(String name) {
        return name != null && SECRETISH.matcher(name).matches();
    }

    /**
     * The map with the value of every secret-looking name replaced by {@code (hidden)}, for printing:
     * such a value is rejected at build time, but an unvalidated copy must not print it either.
     */
    public static java.util.Map<String, String> hideSecretLooking(java.util.Map<String, String> env) {
        java.util.Map<String, String> shown = new java.util.TreeMap<>();
        env.forEach((k, v) -> shown.put(k, looksSecret(k) ? "(hidden)" : v));
        return shown;
    }

    /** A DNS name: dot-separated labels of letters, digits and hyphens, at most 253 characters. */
    public static boolean isDnsName(String name) {
        if (name == null || name.isEmpty() || name.length() > 253 || name.endsWith(".")) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || !label.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
                return false;
            }
        }
        return true;
    }
}
