package dev.cutover.localcloud.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.orbitz.consul.Consul;
import com.orbitz.consul.ConsulException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ConsulConfigAclTest {

    private static final String SPLITTER = """
            {"Kind":"service-splitter","Name":"orders","Splits":[
              {"Weight":90,"ServiceSubset":"v1"},{"Weight":10,"ServiceSubset":"v2"}]}""";

    @Test
    void configEntriesWithSplitterValidationAndCas() {
        try (ConsulEmulator consul = ConsulEmulator.start()) {
            HttpResponse<String> tcp = ConsulRawHttp.put(consul, "/v1/config", SPLITTER);
            assertThat(tcp.statusCode()).isEqualTo(500);
            assertThat(tcp.body()).isEqualTo("discovery chain \"orders\" uses a protocol \"tcp\" that does not permit advanced routing or splitting behavior");

            assertThat(ConsulRawHttp.put(consul, "/v1/config", "{\"Kind\":\"service-defaults\",\"Name\":\"orders\",\"Protocol\":\"http\"}").body())
                    .isEqualTo("true");
            assertThat(ConsulRawHttp.put(consul, "/v1/config", """
                    {"Kind":"service-resolver","Name":"orders","Subsets":{
                      "v1":{"Filter":"Service.Meta.version == v1"},"v2":{"Filter":"Service.Meta.version == v2"}}}""").body())
                    .isEqualTo("true");
            assertThat(ConsulRawHttp.put(consul, "/v1/config?cas=0", SPLITTER).body()).isEqualTo("true");
            assertThat(ConsulRawHttp.put(consul, "/v1/config?cas=0", SPLITTER).body()).as("cas=0 only creates").isEqualTo("false");

            HttpResponse<String> entry = ConsulRawHttp.get(consul, "/v1/config/service-splitter/orders");
            assertThat(entry.statusCode()).isEqualTo(200);
            assertThat(entry.body()).contains("\"Kind\":\"service-splitter\"", "\"Weight\":90", "\"ModifyIndex\":");
            assertThat(entry.headers().firstValue("X-Consul-Index")).isPresent();
            String modifyIndex = entry.body().replaceAll(".*\"ModifyIndex\":(\\d+).*", "$1");

            HttpResponse<String> badSum = ConsulRawHttp.put(consul, "/v1/config",
                    SPLITTER.replace("\"Weight\":10", "\"Weight\":5"));
            assertThat(badSum.statusCode()).isEqualTo(500);
            assertThat(badSum.body()).isEqualTo("the sum of all split weights must be 100, not 95.000000");

            String shifted = SPLITTER.replace("90", "50").replace("\"Weight\":10", "\"Weight\":50");
            assertThat(ConsulRawHttp.put(consul, "/v1/config?cas=" + modifyIndex, shifted).body()).isEqualTo("true");
            assertThat(ConsulRawHttp.put(consul, "/v1/config?cas=" + modifyIndex, shifted).body())
                    .as("stale cas loses").isEqualTo("false");
            assertThat(ConsulRawHttp.get(consul, "/v1/config/service-splitter").body()).contains("\"Weight\":50");

            assertThat(ConsulRawHttp.send(consul, "DELETE", "/v1/config/service-splitter/orders", null).statusCode()).isEqualTo(200);
            HttpResponse<String> gone = ConsulRawHttp.get(consul, "/v1/config/service-splitter/orders");
            assertThat(gone.statusCode()).isEqualTo(404);
            assertThat(gone.body()).isEqualTo("Config entry not found for \"service-splitter\" / \"orders\"");
            assertThat(ConsulRawHttp.put(consul, "/v1/config", "{\"Kind\":\"mesh-gateway-thing\",\"Name\":\"x\"}").statusCode())
                    .isEqualTo(400);
        }
    }

    @Test
    void aclTokenIsEnforced() {
        try (ConsulEmulator consul = ConsulEmulator.builder().aclToken("s3cr3t").start()) {
            Consul anonymous = Consul.builder().withUrl(consul.endpoint().toString()).build(); // ping: /v1/status/leader is open
            assertThatThrownBy(() -> anonymous.keyValueClient().putValue("a/b", "c"))
                    .isInstanceOf(ConsulException.class)
                    .satisfies(e -> assertThat(((ConsulException) e).getCode()).isEqualTo(403));
            HttpResponse<String> denied = ConsulRawHttp.get(consul, "/v1/kv/a/b");
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.body()).isEqualTo("Permission denied: anonymous token lacks permission 'key:read' on \"a/b\". "
                    + "The anonymous token is used implicitly when a request does not specify a token.");
            assertThat(ConsulRawHttp.get(consul, "/v1/kv/a/b", "X-Consul-Token", "wrong").body()).isEqualTo("ACL not found");

            Consul authorized = Consul.builder().withUrl(consul.endpoint().toString()).withAclToken("s3cr3t").build();
            assertThat(authorized.keyValueClient().putValue("a/b", "c")).isTrue();
            assertThat(ConsulRawHttp.get(consul, "/v1/kv/a/b?raw", "X-Consul-Token", "s3cr3t").body()).isEqualTo("c");
            assertThat(ConsulRawHttp.get(consul, "/v1/kv/a/b?raw", "Authorization", "Bearer s3cr3t").body()).isEqualTo("c");
            assertThat(ConsulRawHttp.get(consul, "/v1/kv/a/b?raw&token=s3cr3t").body()).isEqualTo("c");
            assertThat(ConsulRawHttp.get(consul, "/v1/agent/services").statusCode()).isEqualTo(403);
        }
    }

    @Test
    void malformedRequestsGetConsulsPlainTextAnswers() {
        try (ConsulEmulator consul = ConsulEmulator.start()) {
            HttpResponse<String> unknown = ConsulRawHttp.get(consul, "/v1/nothing/here");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).isEqualTo("Invalid URL path: not a recognized HTTP API endpoint\n");
            assertThat(ConsulRawHttp.get(consul, "/v2/kv/x").body()).startsWith("Invalid URL path: if attempting to use the HTTP API");

            HttpResponse<String> method = ConsulRawHttp.send(consul, "POST", "/v1/kv/x", "y");
            assertThat(method.statusCode()).isEqualTo(405);
            assertThat(method.body()).isEqualTo("method POST not allowed");
            assertThat(method.headers().firstValue("Allow")).isPresent();

            HttpResponse<String> badJson = ConsulRawHttp.put(consul, "/v1/config", "[1,2");
            assertThat(badJson.statusCode()).isEqualTo(400);
            assertThat(badJson.body()).startsWith("Request decode failed");
            assertThat(badJson.body()).doesNotContain("Exception", "\tat ");
            assertThat(ConsulRawHttp.put(consul, "/v1/agent/check/register", "\"just a string\"").statusCode()).isEqualTo(400);
            assertThat(ConsulRawHttp.put(consul, "/v1/kv/x?flags=-1", "y").statusCode()).isEqualTo(400);
            // still alive and answering
            assertThat(ConsulRawHttp.get(consul, "/v1/status/leader").body()).isEqualTo("\"127.0.0.1:8300\"");
        }
    }
}
