package dev.cutover.journal;

import dev.cutover.CutoverException;

/** A journal could not be read or written: unknown deployment, corrupt line, I/O failure. */
public final class JournalException extends CutoverException {

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
