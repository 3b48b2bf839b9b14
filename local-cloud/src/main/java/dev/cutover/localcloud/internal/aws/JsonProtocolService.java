package dev.cutover.localcloud.internal.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An AWS service spoken over the JSON 1.0/1.1 protocols: {@code POST /} with
 * {@code X-Amz-Target: <targetPrefix>.<Operation>} and a JSON body.
 */
public interface JsonProtocolService {

    /** The part of {@code X-Amz-Target} before the dot, e.g. {@code AmazonEC2ContainerServiceV20141113}. */
    String targetPrefix();

    /** A short name used for throttling families, faults and the outage switch, e.g. {@code ecs}. */
    String serviceName();

    /**
     * Handles one operation. Throws {@link AwsError} for every error AWS would answer;
     * any other exception is answered as a 500 {@code InternalFailure} and logged.
     *
     * @param operation the operation name, e.g. {@code DescribeServices}
     * @param request   the parsed request body (an empty object when the body is empty)
     * @return the response body
     */
    ObjectNode handle(String operation, ObjectNode request);

    /**
     * Handles one operation knowing the request's Region and headers; the server calls this one.
     * The default ignores the context, so services that do not care implement only
     * {@link #handle(String, ObjectNode)}.
     */
    default ObjectNode handle(String operation, ObjectNode request, AwsServer.RequestContext context) {
        return handle(operation, request);
    }
}
