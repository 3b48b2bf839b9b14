package dev.cutover.localcloud.internal.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** An AWS service spoken over the REST-JSON protocol (App Mesh): routes by method and path. */
public interface RestJsonService {

    /** The path prefix this service owns, e.g. {@code /v20190125/}. */
    String pathPrefix();

    /** A short name used for throttling families, faults and the outage switch, e.g. {@code appmesh}. */
    String serviceName();

    /**
     * Handles one request; throws {@link AwsError} for AWS errors.
     *
     * @param body the parsed JSON body, or {@code null} when there is none
     */
    RestResponse handle(String method, String path, Map<String, List<String>> query, JsonNode body);

    /** Like {@link #handle(String, String, Map, JsonNode)}, knowing the request's Region and account; the server calls this one. */
    default RestResponse handle(String method, String path, Map<String, List<String>> query, JsonNode body,
            AwsServer.RequestContext context) {
        return handle(method, path, query, body);
    }

    /** A REST-JSON answer: status and JSON body ({@code null} for none). */
    record RestResponse(int status, JsonNode body) {
        public static RestResponse ok(JsonNode body) {
            return new RestResponse(200, body);
        }
    }
}
