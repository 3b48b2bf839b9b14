package dev.cutover;

/**
 * The root of every exception Cutover throws. Unchecked; subclasses carry the context of the
 * failure (which field, which provider and operation, who holds a lock).
 */
public class CutoverException extends RuntimeException {

    public CutoverException(String message) {
        super(message);
    }

    public CutoverException(String message, Throwable cause) {
        super(message, cause);
    }
}
