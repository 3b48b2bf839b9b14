package dev.cutover.localcloud.internal.aws;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * One page of a listing, with the opaque {@code nextToken} AWS hands back when more items follow.
 * Every emulator pages the same way: the token encodes the offset of the next item.
 *
 * @param items     the items of this page
 * @param nextToken the token for the next page, or {@code null} on the last page
 */
public record Page<T>(List<T> items, String nextToken) {

    /**
     * Cuts one page out of {@code all} (already in listing order).
     *
     * @param token    the request's {@code nextToken} (null for the first page)
     * @param pageSize how many items at most
     * @param badToken the error AWS answers for a token it did not issue
     */
    public static <T> Page<T> of(List<T> all, String token, int pageSize, Supplier<AwsError> badToken) {
        int from = token == null ? 0 : decode(token, badToken);
        if (from > all.size()) {
            throw badToken.get();
        }
        int to = Math.min(all.size(), from + Math.max(1, pageSize));
        String next = to < all.size() ? encode(to) : null;
        return new Page<>(List.copyOf(all.subList(from, to)), next);
    }

    private static String encode(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("lc1:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int decode(String token, Supplier<AwsError> badToken) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!s.startsWith("lc1:")) {
                throw badToken.get();
            }
            int offset = Integer.parseInt(s.substring(4));
            if (offset < 0) {
                throw badToken.get();
            }
            return offset;
        } catch (IllegalArgumentException e) {
            throw badToken.get();
        }
    }
}
