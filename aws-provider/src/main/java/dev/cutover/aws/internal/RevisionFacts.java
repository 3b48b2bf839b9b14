package dev.cutover.aws.internal;

import dev.cutover.spi.Attribute;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * What a plan needs of a task definition, without the definition: its family and revision (the
 * revision id {@code family:n}), the canonical revision attributes a diff compares
 * ({@link TaskDefs#canonical}) and the version shown to people. As string facts it is what the
 * provider remembers of each task definition it registers ({@link dev.cutover.spi.ProviderMemory}):
 * {@code family}, {@code revision}, {@code version}, {@code a.<attribute>} and, for a sensitive
 * attribute (a secret's reference, never its value), {@code s.<attribute>}.
 *
 * @param arn       the task definition's ARN
 * @param family    its family
 * @param revision  its revision number
 * @param canonical the canonical revision attributes
 * @param version   the image version shown to people
 */
public record RevisionFacts(String arn, String family, int revision, Map<String, Attribute> canonical, String version) {

    /** Bumped when the canonical form changes, so facts of an older form are described again. */
    static final String FORM = "1";

    public RevisionFacts {
        canonical = Collections.unmodifiableMap(new LinkedHashMap<>(canonical));
    }

    /** The facts of a described or registered task definition. */
    public static RevisionFacts of(TaskDefinition td) {
        return new RevisionFacts(td.taskDefinitionArn(), td.family(), td.revision(), TaskDefs.canonical(td), TaskDefs.version(td));
    }

    /** The revision id, {@code family:n}. */
    public String revisionId() {
        return Names.revisionId(family, revision);
    }

    /** As string facts for the provider memory. */
    public Map<String, String> facts() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("form", FORM);
        m.put("family", family);
        m.put("revision", String.valueOf(revision));
        m.put("version", version);
        canonical.forEach((k, a) -> m.put((a.sensitive() ? "s." : "a.") + k, a.value()));
        return m;
    }

    /** Facts read back; empty when they are of another form or incomplete (the definition is then described). */
    public static Optional<RevisionFacts> fromFacts(String arn, Map<String, String> facts) {
        try {
            if (!FORM.equals(facts.get("form")) || facts.get("family") == null || facts.get("version") == null) {
                return Optional.empty();
            }
            Map<String, Attribute> canonical = new LinkedHashMap<>();
            facts.forEach((k, v) -> {
                if (k.startsWith("a.")) {
                    canonical.put(k.substring(2), Attribute.of(v));
                } else if (k.startsWith("s.")) {
                    canonical.put(k.substring(2), Attribute.secret(v));
                }
            });
            return Optional.of(new RevisionFacts(arn, facts.get("family"), Integer.parseInt(facts.get("revision")), canonical,
                    facts.get("version")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
