package dev.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps what users import in step with what Cutover is built and tested with: the third-party
 * versions {@code cutover-bom} imports equal the parent POM's, and {@code cutover-aws} brings no
 * HTTP client beyond the default one.
 */
class BuildAlignmentTest {

    private static final Path ROOT = Path.of("..");
    private static final List<String> ALIGNED = List.of("aws.sdk.version", "micrometer.version", "resilience4j.version",
            "jackson.version");

    @Test
    void theBomImportsTheThirdPartyVersionsTheBuildUses() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("bom").resolve("pom.xml"));
        for (String property : ALIGNED) {
            assertThat(property(bom, property)).as("cutover-bom's %s", property).isEqualTo(property(parent, property));
        }
        assertThat(bom).contains("<artifactId>bom</artifactId>", "<artifactId>micrometer-bom</artifactId>",
                "<artifactId>resilience4j-bom</artifactId>", "<artifactId>jackson-bom</artifactId>");
    }

    @Test
    void theAwsProviderExcludesTheSdksNettyAndApacheClientsFromEveryServiceModule() throws IOException {
        String pom = Files.readString(ROOT.resolve("aws-provider").resolve("pom.xml"));
        Matcher sdk = Pattern.compile("<dependency><groupId>software\\.amazon\\.awssdk</groupId><artifactId>([a-z0-9-]+)</artifactId>(.*?)</dependency>")
                .matcher(pom);
        int services = 0;
        while (sdk.find()) {
            String artifact = sdk.group(1);
            if (artifact.endsWith("-client")) {
                continue;
            }
            services++;
            assertThat(sdk.group(2)).as("exclusions of %s", artifact).contains("netty-nio-client", "apache-client");
        }
        assertThat(services).isPositive();
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertThat(m.find()).as("<%s> in the POM", name).isTrue();
        return m.group(1).strip();
    }
}
