package dev.cutover.localcloud.internal.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An AWS service spoken over the AWS query protocol (ELBv2 among others): {@code POST /} with a
 * form-encoded body {@code Action=<Operation>&Version=<apiVersion>&...}, answered in XML (botocore's
 * {@code "protocol": "query"}; AWS SDK v2's {@code AwsQueryProtocolFactory}). {@link AwsServer}
 * parses the form into the operation's input (typed by the service's {@link ShapeTable}), checks it,
 * and writes the returned object as the {@code <OperationResponse><OperationResult>} XML envelope.
 */
public interface QueryProtocolService {

    /** The {@code Version} parameter the service's requests carry, e.g. {@code 2015-12-01}. */
    String apiVersion();

    /** The signing name in the SigV4 credential scope, e.g. {@code elasticloadbalancing}. */
    String signingName();

    /** A short name used for shape tables, throttling families, faults and the outage switch, e.g. {@code elbv2}. */
    String serviceName();

    /** The XML namespace of the responses, e.g. {@code http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/}. */
    String xmlNamespace();

    /**
     * Handles one operation. Throws {@link AwsError} for every error AWS would answer (its type is
     * the query error code, e.g. {@code TargetGroupNotFound}).
     *
     * @param operation the {@code Action}
     * @param request   the input, members named as in the model (PascalCase), lists as arrays
     * @return the result's members (PascalCase), lists as arrays
     */
    ObjectNode handle(String operation, ObjectNode request, AwsServer.RequestContext context);
}
