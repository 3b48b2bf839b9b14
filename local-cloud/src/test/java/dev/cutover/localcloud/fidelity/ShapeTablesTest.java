package dev.cutover.localcloud.fidelity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.localcloud.internal.aws.ShapeTable;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generated shape tables (local-cloud/tools/gen-shapes.py) are complete and readable by the validator. */
class ShapeTablesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"ecs", "appmesh", "servicediscovery", "secretsmanager", "application-autoscaling",
            "elbv2", "ecr", "route53", "cloudwatch"})
    void everyTableNotesItsOriginAndEveryPatternAndShapeResolves(String service) throws Exception {
        JsonNode table;
        try (InputStream in = ShapeTable.class.getResourceAsStream("/dev/cutover/localcloud/shapes/" + service + ".json")) {
            assertThat(in).as(service).isNotNull();
            table = JSON.readTree(in);
        }
        JsonNode origin = ShapeTable.of(service).orElseThrow().origin();
        assertThat(origin.path("generator").asText()).isEqualTo("local-cloud/tools/gen-shapes.py");
        assertThat(origin.path("model").asText()).startsWith("botocore/data/" + service + "/").endsWith("service-2.json.gz");
        assertThat(origin.path("botocore").asText()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(table.path("operations").size()).isGreaterThan(10);

        JsonNode shapes = table.path("shapes");
        List<String> problems = new ArrayList<>();
        table.path("operations").properties().forEach(op -> {
            String input = op.getValue().path("input").asText(null);
            if (input != null && !shapes.has(input)) {
                problems.add(op.getKey() + ": no shape " + input);
            }
        });
        shapes.properties().forEach(s -> {
            JsonNode shape = s.getValue();
            if (shape.has("pattern")) {
                try {
                    Pattern.compile(shape.get("pattern").asText());
                } catch (PatternSyntaxException e) {
                    problems.add(s.getKey() + ": pattern Java cannot read: " + e.getDescription());
                }
            }
            shape.path("members").forEach(m -> {
                if (!shapes.has(m.path("shape").asText())) {
                    problems.add(s.getKey() + ": member shape " + m.path("shape").asText() + " missing");
                }
            });
        });
        assertThat(problems).as(service).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecs", "appmesh", "servicediscovery", "secretsmanager", "application-autoscaling"})
    void anEmptyRequestOfEveryOperationListsExactlyItsRequiredMembers(String service) throws Exception {
        ShapeTable table = ShapeTable.of(service).orElseThrow();
        JsonNode raw;
        try (InputStream in = ShapeTable.class.getResourceAsStream("/dev/cutover/localcloud/shapes/" + service + ".json")) {
            raw = JSON.readTree(in);
        }
        raw.path("operations").properties().forEach(op -> {
            String input = op.getValue().path("input").asText(null);
            int required = input == null ? 0 : raw.path("shapes").path(input).path("required").size();
            ShapeTable.Problems p = table.check(op.getKey(), JSON.createObjectNode());
            assertThat(p.typeErrors()).isEmpty();
            assertThat(p.violations()).as(service + "." + op.getKey()).hasSize(required)
                    .allMatch(v -> v.startsWith("Value null at '") && v.endsWith("Member must not be null"));
        });
    }
}
