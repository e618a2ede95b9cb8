package dev.camrelay.server.config;

/** The configuration cannot be used; the message names the key (and file position or environment variable). */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
