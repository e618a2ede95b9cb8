package dev.camrelay.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.camrelay.hls.segment.SegmenterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds a {@link RelayConfig}: defaults, then the optional YAML file, then environment variables (which win), then
 * checks. Every error names the key as the user wrote it: YAML path and position, or environment variable.
 */
public final class RelayConfigLoader {

    /** A config file is a few KiB; refuse anything that is clearly not one before parsing it. */
    public static final long MAX_FILE_BYTES = 1 << 20;

    private static final ObjectMapper YAML = strict(YAMLMapper.builder()).build();

    private RelayConfigLoader() {
    }

    /**
     * The Jackson settings shared by the config file and the API's JSON bodies: unknown keys, duplicate keys,
     * nulls for primitives, floats for ints and quoted scalars are errors, not guesses.
     */
    public static <B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<?, B>> B strict(B builder) {
        return builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * @param file the YAML file, or null for none
     * @param env  the environment (System.getenv() in production; a map in tests)
     */
    public static RelayConfig load(Path file, Map<String, String> env) throws ConfigException {
        ConfigFile yaml = file == null ? ConfigFile.empty() : readFile(file);
        Settings s = new Settings(env);
        String fileAdminKey = yaml.adminKey();
        String adminKey = s.string(ConfigKey.ADMIN_KEY, fileAdminKey, null);
        boolean generated = adminKey == null;
        if (generated) {
            adminKey = randomKey();
        }
        List<CameraSpec> cameras = yaml.cameras() == null ? List.of() : yaml.cameras();
        RelayConfig config = new RelayConfig(
                s.port(ConfigKey.HTTP_PORT, yaml.httpPort(), 8080),
                s.port(ConfigKey.RTSP_PORT, yaml.rtspPort(), 8554),
                s.port(ConfigKey.WEBRTC_PORT, yaml.webrtcPort(), 8189),
                s.string(ConfigKey.BIND, yaml.bind(), "0.0.0.0"),
                adminKey,
                generated,
                s.string(ConfigKey.TOKEN_SECRET, yaml.tokenSecret(), ""),
                s.string(ConfigKey.JWKS_URL, yaml.jwksUrl(), ""),
                s.string(ConfigKey.JWKS_ISSUER, yaml.jwksIssuer(), ""),
                s.bool(ConfigKey.DEMO, yaml.demo(), true),
                s.string(ConfigKey.PUBLIC_URL, yaml.publicUrl(), ""),
                s.integer(ConfigKey.STREAM_BUFFER_BYTES, yaml.streamBufferBytes(), 8 << 20),
                s.integer(ConfigKey.MAX_SESSIONS_PER_CAMERA, yaml.maxSessionsPerCamera(), 100),
                s.integer(ConfigKey.MAX_CAMERAS, yaml.maxCameras(), 256),
                s.integer(ConfigKey.SESSION_TTL_SECONDS, yaml.sessionTtlSeconds(), 600),
                s.integer(ConfigKey.MAX_SESSION_TTL_SECONDS, yaml.maxSessionTtlSeconds(), 86_400),
                s.list(ConfigKey.CORS_ORIGINS, yaml.corsOrigins()),
                s.string(ConfigKey.LOG_LEVEL, yaml.logLevel(), "INFO").toUpperCase(Locale.ROOT),
                s.string(ConfigKey.TLS_CERT, yaml.tlsCertificate(), ""),
                s.string(ConfigKey.TLS_KEY, yaml.tlsKey(), ""),
                s.integer(ConfigKey.HLS_PART_TARGET_MS, yaml.hlsPartTargetMillis(),
                        SegmenterConfig.DEFAULT_PART_TARGET_MILLIS),
                cameras);
        ConfigChecks.check(config);
        return config;
    }

    static ConfigFile readFile(Path file) throws ConfigException {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(file + ": larger than " + MAX_FILE_BYTES + " bytes; not a config file");
            }
            ConfigFile parsed = YAML.readValue(Files.readAllBytes(file), ConfigFile.class);
            return parsed == null ? ConfigFile.empty() : parsed;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (given with --config)");
        } catch (UnrecognizedPropertyException e) {
            String path = FieldPath.of(e);
            throw new ConfigException(file + ": unknown key '" + path + "'" + keyLine(file, e) + "; known keys here: "
                    + String.join(", ", e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()));
        } catch (InvalidFormatException e) {
            throw new ConfigException(file + ": bad value for '" + FieldPath.of(e) + "'" + position(e)
                    + ": expected " + typeName(e.getTargetType()) + ", got '" + e.getValue() + "'");
        } catch (JsonMappingException e) {
            throw new ConfigException(file + ": bad value for '" + FieldPath.of(e) + "'" + position(e) + ": "
                    + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML" + position(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The line of an unknown key. Jackson's YAML parser reports the position after the key's value (the next line,
     * or the end of the file), so the key is looked up in the text: the first line, from the reported one backwards,
     * where it stands as a mapping key.
     */
    private static String keyLine(Path file, UnrecognizedPropertyException e) {
        try {
            List<String> lines = Files.readAllLines(file);
            Pattern key = Pattern.compile(
                    "^\\s*(-\\s+)?[\"']?" + Pattern.quote(e.getPropertyName()) + "[\"']?\\s*:");
            int from = e.getLocation() == null ? lines.size() : Math.min(lines.size(), e.getLocation().getLineNr());
            for (int i = from - 1; i >= 0; i--) {
                if (key.matcher(lines.get(i)).find()) {
                    return " (line " + (i + 1) + ")";
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // fall back to what the parser said
        }
        return position(e);
    }

    private static String position(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    static String typeName(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        return type == null ? "another type" : "a " + type.getSimpleName();
    }

    /** 128 bits from a CSPRNG (isolation.md: ids and secrets from a CSPRNG, 128 bits). */
    static String randomKey() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Every key with its environment variable, default and meaning: the text of {@code --help}. */
    public static String helpText() {
        StringBuilder out = new StringBuilder();
        out.append("Usage: relay [--config relay.yml] [--help]\n\n")
                .append("Starts the camrelay media relay. Every setting is optional. It can be given in the YAML")
                .append(" file\n")
                .append("(unknown keys are an error) or as an environment variable, which wins over the file.\n\n");
        out.append(String.format("  %-22s %-32s %-36s %s%n", "YAML key", "environment variable", "default", "meaning"));
        for (ConfigKey key : ConfigKey.values()) {
            out.append(String.format("  %-22s %-32s %-36s %s%n", key.yamlKey(),
                    key.envVar() == null ? "(YAML only)" : key.envVar(), key.defaultText(), key.meaning()));
        }
        out.append("\nA camera in 'cameras': {id, source: rtsp://..., onDemand, forceTcp} (pull) or\n")
                .append("{id, publish: {user, password}} (push to rtsp://<relay>:<rtspPort>/<id>).\n")
                .append("An rtsps:// source is pulled over TLS, checked against the JDK trust store unless it has\n")
                .append("tlsFingerprint (the SHA-256 of a self-signed camera's certificate) or tlsVerify: false.\n");
        return out.toString();
    }

    /** One value per key: the environment's if set, else the file's, else the default. */
    private record Settings(Map<String, String> env) {

        private String raw(ConfigKey key) {
            String v = env.get(key.envVar());
            return v == null ? null : v.trim();
        }

        String string(ConfigKey key, String fromFile, String fallback) {
            String v = raw(key);
            if (v != null) {
                return v;
            }
            return fromFile != null ? fromFile : fallback;
        }

        int integer(ConfigKey key, Integer fromFile, int fallback) throws ConfigException {
            String v = raw(key);
            if (v != null) {
                try {
                    return Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new ConfigException(key.envVar() + ": expected an integer, got '" + v + "'");
                }
            }
            return fromFile != null ? fromFile : fallback;
        }

        int port(ConfigKey key, Integer fromFile, int fallback) throws ConfigException {
            return integer(key, fromFile, fallback);
        }

        boolean bool(ConfigKey key, Boolean fromFile, boolean fallback) throws ConfigException {
            String v = raw(key);
            if (v != null) {
                if (v.equalsIgnoreCase("true")) {
                    return true;
                }
                if (v.equalsIgnoreCase("false")) {
                    return false;
                }
                throw new ConfigException(key.envVar() + ": expected true or false, got '" + v + "'");
            }
            return fromFile != null ? fromFile : fallback;
        }

        List<String> list(ConfigKey key, List<String> fromFile) {
            String v = raw(key);
            if (v != null) {
                List<String> items = new ArrayList<>();
                for (String item : v.split(",")) {
                    if (!item.isBlank()) {
                        items.add(item.trim());
                    }
                }
                return items;
            }
            return fromFile != null ? fromFile : List.of();
        }
    }

    /** Names of every environment variable the relay reads (for tests and tools). */
    public static Set<String> environmentVariables() {
        Set<String> names = new HashSet<>();
        Arrays.stream(ConfigKey.values()).map(ConfigKey::envVar).filter(n -> n != null).forEach(names::add);
        return names;
    }
}
