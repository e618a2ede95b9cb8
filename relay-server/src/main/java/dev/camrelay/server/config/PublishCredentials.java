package dev.camrelay.server.config;

/**
 * Credentials a push camera uses to publish to {@code rtsp://relay:8554/{id}} (ANNOUNCE/RECORD).
 *
 * @param user     RTSP user name the camera sends
 * @param password its password; never returned by the API and never logged
 */
public record PublishCredentials(String user, String password) {

    /** Enough for any real camera's credentials; a bound so a request body cannot make us store megabytes. */
    public static final int MAX_LENGTH = 128;

    /** @throws InvalidFieldException naming {@code user} or {@code password} */
    public void validate() {
        requireText("user", user);
        requireText("password", password);
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidFieldException(field, field + " is required");
        }
        if (value.length() > MAX_LENGTH || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidFieldException(field,
                    field + " must be at most " + MAX_LENGTH + " printable characters");
        }
    }

    @Override
    public String toString() {
        return "PublishCredentials[user=" + user + ", password=***]";
    }
}
