package dev.camrelay.server.config;

/**
 * A value in a camera definition or request body is missing or wrong. {@link #field()} is its path as the user wrote
 * it (e.g. {@code publish.user}), so the config loader and the API can both name it.
 */
public final class InvalidFieldException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidFieldException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** The same problem one level deeper, e.g. {@code user} becomes {@code publish.user}. */
    public InvalidFieldException under(String parent) {
        return new InvalidFieldException(parent + "." + field, getMessage());
    }
}
