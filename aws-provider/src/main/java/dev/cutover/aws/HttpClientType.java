package dev.cutover.aws;

/**
 * The HTTP client the AWS SDK clients use.
 *
 * <pre>{@code
 * AwsProvider.builder().region("us-east-1").httpClient(HttpClientType.APACHE).build();
 * }</pre>
 */
public enum HttpClientType {
    /** The JDK's {@code HttpURLConnection} ({@code url-connection-client}): the default, smallest footprint. */
    URL_CONNECTION("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient", "url-connection-client"),
    /** Apache HttpClient ({@code apache-client}): connection pooling; add the artifact to the class path. */
    APACHE("software.amazon.awssdk.http.apache.ApacheHttpClient", "apache-client");

    private final String className;
    private final String artifact;

    HttpClientType(String className, String artifact) {
        this.className = className;
        this.artifact = artifact;
    }

    /** The implementation class the SDK loads. */
    public String className() {
        return className;
    }

    /** The Maven artifact ({@code software.amazon.awssdk:<artifact>}) that provides it. */
    public String artifact() {
        return artifact;
    }

    /** Parses {@code url-connection}, {@code urlconnection}, {@code url_connection} or {@code apache}. */
    public static HttpClientType parse(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return switch (v) {
            case "url-connection", "urlconnection", "url-connection-client" -> URL_CONNECTION;
            case "apache", "apache-client" -> APACHE;
            default -> throw new IllegalArgumentException("aws.http-client must be 'url-connection' or 'apache', was '"
                    + value + "'");
        };
    }
}
