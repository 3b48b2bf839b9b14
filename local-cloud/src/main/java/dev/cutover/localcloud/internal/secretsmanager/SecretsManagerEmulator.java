package dev.cutover.localcloud.internal.secretsmanager;

import dev.cutover.localcloud.internal.aws.Scoped;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.localcloud.Secrets;
import dev.cutover.localcloud.internal.aws.AwsError;
import dev.cutover.localcloud.internal.aws.AwsJson;
import dev.cutover.localcloud.internal.aws.AwsServer;
import dev.cutover.localcloud.internal.aws.JsonProtocolService;
import dev.cutover.localcloud.internal.aws.Page;
import dev.cutover.localcloud.internal.aws.RequestReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Secrets Manager (JSON 1.1 target {@code secretsmanager}) on the local cloud: CreateSecret,
 * DescribeSecret, ListSecrets, GetSecretValue, PutSecretValue and DeleteSecret, with AWS's ARN
 * shape ({@code arn:aws:secretsmanager:<region>:000000000000:secret:<name>-AbCdEf}), secret ids by
 * name, full ARN or partial ARN (without the suffix), versions with AWSCURRENT / AWSPREVIOUS, and
 * deletion after a recovery window of simulated days.
 *
 * <p>Secret values are never logged. ECS resolves a container's {@code secrets} through Java:
 * <pre>{@code
 * Secrets secrets = cloud.secrets();
 * String arn = secrets.createSecret("prod/orders/db", "{\"password\":\"s3cr3t\"}");
 * Optional<String> value = secrets.currentValue(arn);  // also by name or partial ARN
 * }</pre>
 */
public final class SecretsManagerEmulator implements JsonProtocolService, Secrets {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]+");
    private static final String CURRENT = "AWSCURRENT";
    private static final String PREVIOUS = "AWSPREVIOUS";
    private static final Set<String> FILTER_KEYS =
            Set.of("description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all");

    private static final class Version {
        String id;
        String string;
        String binary;
        Instant created;
        final List<String> stages = new ArrayList<>();
    }

    private static final class Secret {
        String name;
        String arn;
        String region;
        String description;
        String kmsKeyId;
        Instant created;
        Instant lastChanged;
        Instant lastAccessed;
        Instant deletedDate;
        Instant deletionDate;
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, Version> versions = new LinkedHashMap<>();
    }

    private final Clock clock;
    private final Random random;
    private final List<Secret> secrets = new ArrayList<>();

    /** Creates the emulator; time comes from {@code clock}, ARN suffixes from {@code seed}. */
    /** The account and Region whose resources this instance keeps (their ARNs say so). */
    private volatile Scoped.Scope scope = Scoped.Scope.DEFAULT;

    public SecretsManagerEmulator scope(Scoped.Scope scope) {
        this.scope = Objects.requireNonNull(scope, "scope");
        return this;
    }

    public SecretsManagerEmulator(Clock clock, long seed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new Random(seed);
    }

    @Override
    public String targetPrefix() {
        return "secretsmanager";
    }

    @Override
    public String serviceName() {
        return "secretsmanager";
    }

    // ---------------------------------------------------------------- Java API

    /**
     * Creates a secret with a string value (as {@code CreateSecret} would in the default Region)
     * and returns its ARN.
     *
     * @throws IllegalArgumentException when the name is invalid or taken
     */
    @Override
    public synchronized String createSecret(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        try {
            ObjectNode req = AwsJson.object().put("Name", name).put("SecretString", value);
            return create(RequestReader.of(req, SecretsManagerEmulator::invalidParameter), scope.region()).get("ARN").asText();
        } catch (AwsError e) {
            throw new IllegalArgumentException(e.type() + ": " + e.getMessage());
        }
    }

    /**
     * The AWSCURRENT string value of a secret, by name, full ARN or partial ARN; empty when the
     * secret does not exist, is scheduled for deletion or has no string value.
     */
    @Override
    public synchronized Optional<String> currentValue(String secretId) {
        purge();
        Secret s = lookup(Objects.requireNonNull(secretId, "secretId"));
        if (s == null || s.deletedDate != null) {
            return Optional.empty();
        }
        return s.versions.values().stream().filter(v -> v.stages.contains(CURRENT)).findFirst().map(v -> v.string);
    }

    // ---------------------------------------------------------------- dispatch

    @Override
    public ObjectNode handle(String operation, ObjectNode request) {
        return handle(operation, request, AwsServer.RequestContext.defaults());
    }

    @Override
    public synchronized ObjectNode handle(String operation, ObjectNode body, AwsServer.RequestContext context) {
        purge();
        RequestReader req = RequestReader.of(body, SecretsManagerEmulator::invalidParameter);
        return switch (operation) {
            case "CreateSecret" -> create(req, context.region());
            case "DescribeSecret" -> describe(req);
            case "ListSecrets" -> list(req);
            case "GetSecretValue" -> getValue(req);
            case "PutSecretValue" -> putValue(req);
            case "DeleteSecret" -> delete(req);
            default -> throw AwsError.badRequest("UnknownOperationException",
                    "The local cloud's Secrets Manager does not support " + operation);
        };
    }

    // ---------------------------------------------------------------- operations

    private ObjectNode create(RequestReader req, String region) {
        String name = req.string("Name", 512);
        if (!NAME.matcher(name).matches()) {
            throw invalidParameter("Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@");
        }
        String token = token(req);
        String description = req.optString("Description", 2048);
        String kms = req.optString("KmsKeyId", 2048);
        Version version = versionOf(req, token, false);
        Map<String, String> tags = new LinkedHashMap<>();
        for (RequestReader t : req.objects("Tags", 50)) {
            tags.put(t.string("Key", 128), t.json().path("Value").asText(""));
        }
        for (Secret s : secrets) {
            if (s.name.equals(name)) {
                if (s.deletedDate != null) {
                    throw invalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
                }
                throw AwsError.badRequest("ResourceExistsException", "The operation failed because the secret " + name + " already exists.");
            }
        }
        Secret s = new Secret();
        s.name = name;
        s.region = region;
        s.arn = "arn:aws:secretsmanager:" + region + ":" + scope.account() + ":secret:" + name + "-" + suffix();
        s.description = description;
        s.kmsKeyId = kms;
        s.created = clock.instant();
        s.lastChanged = s.created;
        s.tags.putAll(tags);
        if (version != null) {
            version.stages.add(CURRENT);
            s.versions.put(version.id, version);
        }
        secrets.add(s);
        ObjectNode out = AwsJson.object().put("ARN", s.arn).put("Name", s.name);
        if (version != null) {
            out.put("VersionId", version.id);
        }
        return out;
    }

    private ObjectNode describe(RequestReader req) {
        Secret s = secret(req);
        ObjectNode out = AwsJson.object();
        out.put("ARN", s.arn);
        out.put("Name", s.name);
        AwsJson.putIfNotNull(out, "Description", s.description);
        AwsJson.putIfNotNull(out, "KmsKeyId", s.kmsKeyId);
        out.put("RotationEnabled", false);
        AwsJson.putTime(out, "LastChangedDate", s.lastChanged);
        AwsJson.putTime(out, "LastAccessedDate", s.lastAccessed);
        AwsJson.putTime(out, "DeletedDate", s.deletionDate);
        tagsJson(s, out);
        out.set("VersionIdsToStages", stagesJson(s));
        AwsJson.putTime(out, "CreatedDate", s.created);
        out.put("PrimaryRegion", s.region);
        return out;
    }

    private ObjectNode list(RequestReader req) {
        boolean includeDeleted = Boolean.TRUE.equals(req.optBool("IncludePlannedDeletion"));
        Integer max = req.optInt("MaxResults", 1, 100);
        String token = req.optString("NextToken", 4096);
        String order = req.optEnum("SortOrder", Set.of("asc", "desc"));
        List<Predicate<Secret>> filters = new ArrayList<>();
        for (RequestReader f : req.objects("Filters", 10)) {
            String key = f.requiredEnum("Key", FILTER_KEYS);
            List<String> values = f.strings("Values", 10);
            if (values.isEmpty()) {
                throw invalidParameter("A filter must have at least one value");
            }
            filters.add(s -> values.stream().anyMatch(v -> matches(s, key, v)));
        }
        Comparator<Secret> byCreated = Comparator.comparing((Secret s) -> s.created);
        List<Secret> all = secrets.stream()
                .filter(s -> includeDeleted || s.deletedDate == null)
                .filter(s -> filters.stream().allMatch(p -> p.test(s)))
                .sorted("desc".equals(order) ? byCreated.reversed() : byCreated)
                .toList();
        Page<Secret> page = Page.of(all, token, max == null ? 100 : max,
                () -> AwsError.badRequest("InvalidNextTokenException", "The NextToken value is invalid."));
        ObjectNode out = AwsJson.object();
        ArrayNode items = out.putArray("SecretList");
        for (Secret s : page.items()) {
            ObjectNode n = items.addObject();
            n.put("ARN", s.arn);
            n.put("Name", s.name);
            AwsJson.putIfNotNull(n, "Description", s.description);
            AwsJson.putIfNotNull(n, "KmsKeyId", s.kmsKeyId);
            AwsJson.putTime(n, "LastChangedDate", s.lastChanged);
            AwsJson.putTime(n, "LastAccessedDate", s.lastAccessed);
            AwsJson.putTime(n, "DeletedDate", s.deletionDate);
            tagsJson(s, n);
            n.set("SecretVersionsToStages", stagesJson(s));
            AwsJson.putTime(n, "CreatedDate", s.created);
            n.put("PrimaryRegion", s.region);
        }
        AwsJson.putIfNotNull(out, "NextToken", page.nextToken());
        return out;
    }

    private static boolean matches(Secret s, String key, String value) {
        boolean negate = value.startsWith("!");
        String v = negate ? value.substring(1) : value;
        boolean hit = switch (key) {
            case "name" -> s.name.startsWith(v);
            case "description" -> s.description != null && s.description.startsWith(v);
            case "tag-key" -> s.tags.keySet().stream().anyMatch(k -> k.startsWith(v));
            case "tag-value" -> s.tags.values().stream().anyMatch(t -> t.startsWith(v));
            case "primary-region" -> s.region.startsWith(v);
            case "owning-service" -> false;
            default -> s.name.startsWith(v) || (s.description != null && s.description.startsWith(v))
                    || s.tags.keySet().stream().anyMatch(k -> k.startsWith(v))
                    || s.tags.values().stream().anyMatch(t -> t.startsWith(v));
        };
        return negate != hit;
    }

    private ObjectNode getValue(RequestReader req) {
        Secret s = secret(req);
        String versionId = req.optString("VersionId", 64);
        String stage = req.optString("VersionStage", 256);
        requireNotDeleted(s);
        Version v;
        if (versionId != null) {
            v = s.versions.get(versionId);
            if (v == null || (stage != null && !v.stages.contains(stage))) {
                throw notFound("Secrets Manager can't find the specified secret value for VersionId: " + versionId);
            }
        } else {
            String wanted = stage == null ? CURRENT : stage;
            v = s.versions.values().stream().filter(x -> x.stages.contains(wanted)).findFirst()
                    .orElseThrow(() -> notFound("Secrets Manager can't find the specified secret value for staging label: " + wanted));
        }
        s.lastAccessed = clock.instant().truncatedTo(ChronoUnit.DAYS);
        ObjectNode out = AwsJson.object();
        out.put("ARN", s.arn);
        out.put("Name", s.name);
        out.put("VersionId", v.id);
        AwsJson.putIfNotNull(out, "SecretString", v.string);
        AwsJson.putIfNotNull(out, "SecretBinary", v.binary);
        ArrayNode stages = out.putArray("VersionStages");
        v.stages.forEach(stages::add);
        AwsJson.putTime(out, "CreatedDate", v.created);
        return out;
    }

    private ObjectNode putValue(RequestReader req) {
        Secret s = secret(req);
        String token = token(req);
        Version v = versionOf(req, token, true);
        List<String> stages = req.strings("VersionStages", 20);
        requireNotDeleted(s);
        Version existing = s.versions.get(v.id);
        if (existing != null) {
            if (Objects.equals(existing.string, v.string) && Objects.equals(existing.binary, v.binary)) {
                return putResult(s, existing);
            }
            throw AwsError.badRequest("ResourceExistsException",
                    "You can't modify an existing version, you can only create a new version.");
        }
        if (stages.isEmpty()) {
            stages = List.of(CURRENT);
        }
        if (stages.contains(CURRENT)) {
            for (Version old : s.versions.values()) {
                old.stages.remove(PREVIOUS);
            }
            for (Version old : s.versions.values()) {
                if (old.stages.remove(CURRENT)) {
                    old.stages.add(PREVIOUS);
                }
            }
        }
        for (String stage : stages) {
            s.versions.values().forEach(old -> old.stages.remove(stage));
        }
        v.stages.addAll(stages);
        s.versions.put(v.id, v);
        s.lastChanged = clock.instant();
        return putResult(s, v);
    }

    private static ObjectNode putResult(Secret s, Version v) {
        ObjectNode out = AwsJson.object().put("ARN", s.arn).put("Name", s.name).put("VersionId", v.id);
        ArrayNode stages = out.putArray("VersionStages");
        v.stages.forEach(stages::add);
        return out;
    }

    private ObjectNode delete(RequestReader req) {
        Secret s = secret(req);
        Long window = req.optLong("RecoveryWindowInDays", 7, 30);
        boolean force = Boolean.TRUE.equals(req.optBool("ForceDeleteWithoutRecovery"));
        if (force && window != null) {
            throw invalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
        }
        if (s.deletedDate != null) {
            throw invalidRequest("You can't perform this operation on the secret because it was already scheduled for deletion.");
        }
        Instant now = clock.instant();
        Instant deletion = force ? now : now.plus(Duration.ofDays(window == null ? 30 : window));
        if (force) {
            secrets.remove(s);
        } else {
            s.deletedDate = now;
            s.deletionDate = deletion;
            s.lastChanged = now;
        }
        ObjectNode out = AwsJson.object().put("ARN", s.arn).put("Name", s.name);
        AwsJson.putTime(out, "DeletionDate", deletion);
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private void purge() {
        Instant now = clock.instant();
        secrets.removeIf(s -> s.deletionDate != null && !now.isBefore(s.deletionDate));
    }

    private Secret secret(RequestReader req) {
        String id = req.string("SecretId", 2048);
        Secret s = lookup(id);
        if (s == null) {
            throw notFound("Secrets Manager can't find the specified secret.");
        }
        return s;
    }

    private Secret lookup(String id) {
        for (Secret s : secrets) {
            if (s.name.equals(id) || s.arn.equals(id)) {
                return s;
            }
        }
        if (id.startsWith("arn:")) {
            for (Secret s : secrets) {
                if (s.arn.length() == id.length() + 7 && s.arn.startsWith(id + "-")) {
                    return s;
                }
            }
        }
        return null;
    }

    private static String token(RequestReader req) {
        String token = req.optString("ClientRequestToken", 64);
        if (token != null && token.length() < 32) {
            throw invalidParameter("ClientRequestToken must be between 32 and 64 characters long.");
        }
        return token;
    }

    private Version versionOf(RequestReader req, String token, boolean required) {
        String string = req.optString("SecretString", 65536);
        String binary = req.optString("SecretBinary", 87384);
        if (string != null && binary != null) {
            throw invalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
        }
        if (string == null && binary == null) {
            if (required) {
                throw invalidParameter("You must provide either SecretString or SecretBinary.");
            }
            return null;
        }
        Version v = new Version();
        v.id = token != null ? token : new UUID(random.nextLong(), random.nextLong()).toString();
        v.string = string;
        v.binary = binary;
        v.created = clock.instant();
        return v;
    }

    private static void requireNotDeleted(Secret s) {
        if (s.deletedDate != null) {
            throw invalidRequest("You can't perform this operation on the secret because it was marked for deletion.");
        }
    }

    private static void tagsJson(Secret s, ObjectNode n) {
        if (!s.tags.isEmpty()) {
            ArrayNode tags = n.putArray("Tags");
            s.tags.forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
        }
    }

    private static ObjectNode stagesJson(Secret s) {
        ObjectNode m = AwsJson.object();
        s.versions.values().stream().filter(v -> !v.stages.isEmpty())
                .forEach(v -> v.stages.forEach(m.putArray(v.id)::add));
        return m;
    }

    private String suffix() {
        return AwsJson.randomString(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 6);
    }

    private static AwsError invalidParameter(String message) {
        return AwsError.badRequest("InvalidParameterException", message);
    }

    private static AwsError invalidRequest(String message) {
        return AwsError.badRequest("InvalidRequestException", message);
    }

    private static AwsError notFound(String message) {
        return AwsError.badRequest("ResourceNotFoundException", message);
    }
}
