package dev.cutover.aws.internal;

import dev.cutover.spi.ProviderException;
import dev.cutover.spi.SecretNotFoundException;
import dev.cutover.spi.Secrets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves Secrets Manager references to the ARNs ECS injects ({@code valueFrom}): a name, a
 * {@code name:json-key}, or an ARN. Calls DescribeSecret only; a secret's value is never read.
 */
public final class SecretsManagerSecrets implements Secrets {

    private final AwsRuntime rt;

    public SecretsManagerSecrets(AwsRuntime rt) {
        this.rt = rt;
    }

    @Override
    public Map<String, String> resolve(String environment, Collection<String> references) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String ref : new java.util.TreeSet<>(references)) {
            String id = ref;
            String key = null;
            if (ref.startsWith("arn:")) {
                String[] parts = ref.split(":", -1);
                id = String.join(":", java.util.Arrays.copyOf(parts, Math.min(parts.length, 7)));
            } else if (ref.contains(":")) {
                id = ref.substring(0, ref.indexOf(':'));
                key = ref.substring(ref.indexOf(':') + 1);
            }
            String secretId = id;
            // a name is looked up in the environment's Region; an ARN in the Region it names
            String region = ref.startsWith("arn:") ? ref.split(":", -1)[3] : rt.layouts().of(environment).region();
            try {
                String arn = rt.secretsManager("DescribeSecret", () -> rt.clients(region).secrets()
                        .describeSecret(b -> b.secretId(secretId)).arn());
                out.put(ref, ref.startsWith("arn:") ? ref : key == null ? arn : arn + ":" + key + "::");
            } catch (ProviderException e) {
                if (AwsErrors.is(e, "ResourceNotFoundException")) {
                    missing.add(ref);
                } else {
                    throw e;
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new SecretNotFoundException(missing);
        }
        return out;
    }
}
