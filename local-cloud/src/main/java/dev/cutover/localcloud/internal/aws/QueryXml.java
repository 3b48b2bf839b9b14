package dev.cutover.localcloud.internal.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire format of the AWS query protocol: form-encoded requests, XML answers. A result is
 * written the way the protocol serializes an output shape: one element per structure member, a
 * list as {@code <member>} children, scalars as text (booleans {@code true}/{@code false},
 * timestamps ISO 8601). Errors are {@code <ErrorResponse><Error><Type>Sender</Type><Code>...}
 * (the shape the SDK's query protocol error unmarshaller reads).
 */
public final class QueryXml {

    private QueryXml() {
    }

    /** The decoded parameters of a form body, in order (the last of a repeated key wins). */
    public static Map<String, String> form(byte[] body) {
        Map<String, String> out = new LinkedHashMap<>();
        AwsServer.decodePairs(new String(body, StandardCharsets.UTF_8))
                .forEach((k, values) -> out.put(k, values.get(values.size() - 1)));
        return out;
    }

    /** {@code <OpResponse xmlns=ns><OpResult>...</OpResult><ResponseMetadata>...</ResponseMetadata></OpResponse>}. */
    public static String response(String operation, String namespace, JsonNode result, String requestId) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append('<').append(operation).append("Response xmlns=\"").append(escape(namespace)).append("\">");
        sb.append('<').append(operation).append("Result>");
        if (result != null) {
            fields(result, sb);
        }
        sb.append("</").append(operation).append("Result>");
        sb.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata>");
        sb.append("</").append(operation).append("Response>");
        return sb.toString();
    }

    /** The query protocol's error document; {@code Sender} for 4xx, {@code Receiver} for 5xx. */
    public static String error(String namespace, AwsError e, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"" + escape(namespace) + "\"><Error><Type>"
                + (e.status() >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + escape(e.type()) + "</Code><Message>"
                + escape(e.getMessage() == null ? "" : e.getMessage()) + "</Message></Error><RequestId>" + requestId
                + "</RequestId></ErrorResponse>";
    }

    private static void fields(JsonNode object, StringBuilder sb) {
        for (Map.Entry<String, JsonNode> f : object.properties()) {
            element(f.getKey(), f.getValue(), sb);
        }
    }

    private static void element(String name, JsonNode value, StringBuilder sb) {
        if (value == null || value.isNull()) {
            return;
        }
        sb.append('<').append(name).append('>');
        if (value.isObject()) {
            fields(value, sb);
        } else if (value.isArray()) {
            for (JsonNode item : value) {
                element("member", item, sb);
            }
        } else {
            sb.append(escape(value.asText()));
        }
        sb.append("</").append(name).append('>');
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
