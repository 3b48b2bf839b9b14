package dev.cutover.localcloud;

import java.util.Optional;

/**
 * The local cloud's Secrets Manager from Java: seed a secret for a test, or resolve the value ECS
 * injects for a container's {@code secrets} entry. Values never appear in logs.
 *
 * <pre>{@code
 * String arn = cloud.secrets().createSecret("prod/orders/db", "{\"password\":\"s3cr3t\"}");
 * Optional<String> value = cloud.secrets().currentValue(arn); // by name, ARN or partial ARN
 * }</pre>
 */
public interface Secrets {

    /**
     * Creates a secret with a string value in the default Region and returns its ARN
     * ({@code arn:aws:secretsmanager:us-east-1:000000000000:secret:<name>-AbCdEf}).
     *
     * @throws IllegalArgumentException when the name is invalid or already taken
     */
    String createSecret(String name, String value);

    /**
     * The AWSCURRENT string value of a secret by name, full ARN or partial ARN (without the
     * six-character suffix); empty when it does not exist, is scheduled for deletion or is binary.
     */
    Optional<String> currentValue(String secretId);
}
