package dev.camrelay.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayConfigLoaderTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("relay.yml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void defaultsApplyWhenNothingIsConfigured() throws Exception {
        RelayConfig c = RelayConfigLoader.load(null, Map.of());

        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.rtspPort()).isEqualTo(8554);
        assertThat(c.webrtcPort()).isEqualTo(8189);
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.demo()).isTrue();
        assertThat(c.streamBufferBytes()).isEqualTo(8 << 20);
        assertThat(c.maxSessionsPerCamera()).isEqualTo(100);
        assertThat(c.maxCameras()).isEqualTo(256);
        assertThat(c.adminKeyGenerated()).isTrue();
        assertThat(c.adminKey()).hasSize(22); // 128 bits, base64url
        assertThat(c.tokenSecret()).isEmpty();
        assertThat(c.cameras()).isEmpty();
    }

    @Test
    void generatedAdminKeysDifferEachStart() throws Exception {
        assertThat(RelayConfigLoader.load(null, Map.of()).adminKey())
                .isNotEqualTo(RelayConfigLoader.load(null, Map.of()).adminKey());
    }

    @Test
    void unknownYamlKeyIsAnErrorNamingIt() throws Exception {
        Path file = yaml("httpPort: 9000\nhttpProt: 9001\n");

        assertThatThrownBy(() -> RelayConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'httpProt'")
                .hasMessageContaining("line 2");
    }

    @Test
    void unknownNestedKeyIsNamedWithItsPath() throws Exception {
        Path file = yaml("cameras:\n  - id: porch\n    publsh: {user: a, password: b}\n");

        assertThatThrownBy(() -> RelayConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'cameras[0].publsh'");
    }

    @Test
    void tlsCertificateAndKeyComeFromTheFileOrTheEnvironmentAndGoTogether() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "-");
        Path key = Files.writeString(dir.resolve("key.pem"), "-");

        RelayConfig fromFile = RelayConfigLoader.load(yaml("tlsCertificate: " + cert + "\ntlsKey: " + key + "\n"),
                Map.of());
        RelayConfig fromEnv = RelayConfigLoader.load(null, Map.of("RELAY_TLS_CERT", cert.toString(),
                "RELAY_TLS_KEY", key.toString()));

        assertThat(fromFile.tls()).isTrue();
        assertThat(fromEnv.tlsKey()).isEqualTo(key.toString());
        assertThat(RelayConfigLoader.load(null, Map.of()).tls()).isFalse();
        assertThatThrownBy(() -> RelayConfigLoader.load(null, Map.of("RELAY_TLS_CERT", cert.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tlsKey (RELAY_TLS_KEY)");
        assertThatThrownBy(() -> RelayConfigLoader.load(null, Map.of("RELAY_TLS_CERT", cert.toString(),
                "RELAY_TLS_KEY", dir.resolve("missing.pem").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("RELAY_TLS_KEY")
                .hasMessageContaining("not a readable file");
        assertThat(RelayConfigLoader.helpText()).contains("RELAY_TLS_CERT", "RELAY_TLS_KEY", "HTTP/2");
    }

    @Test
    void badValueIsAnErrorNamingTheKey() throws Exception {
        Path file = yaml("httpPort: eighty\n");

        assertThatThrownBy(() -> RelayConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'httpPort'")
                .hasMessageContaining("eighty");
    }

    @Test
    void outOfRangeValueIsAnErrorNamingKeyAndVariable() throws Exception {
        Path file = yaml("streamBufferBytes: 1000000\n");

        assertThatThrownBy(() -> RelayConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamBufferBytes (RELAY_STREAM_BUFFER_BYTES)")
                .hasMessageContaining("power of two");
    }

    @Test
    void badCameraInTheFileIsNamedWithItsIndexAndField() throws Exception {
        Path file = yaml("cameras:\n  - id: ok\n    source: rtsp://10.0.0.5/s\n  - id: 'no spaces'\n"
                + "    source: rtsp://10.0.0.6/s\n");

        assertThatThrownBy(() -> RelayConfigLoader.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cameras[1].id:");
    }

    @Test
    void rtspsCamerasInTheFileCarryTheirTlsSettingsAndABadPinIsNamed() throws Exception {
        String pin = "AB:".repeat(31) + "CD";
        Path file = yaml("cameras:\n  - id: pinned\n    source: rtsps://10.0.0.5/s\n    tlsFingerprint: '" + pin
                + "'\n  - id: any\n    source: rtsps://10.0.0.6/s\n    tlsVerify: false\n");

        RelayConfig c = RelayConfigLoader.load(file, Map.of());
        assertThat(c.cameras().get(0).tlsTrust().fingerprint()).isEqualTo(pin);
        assertThat(c.cameras().get(1).tlsTrust().verify()).isFalse();

        Path bad = yaml("cameras:\n  - id: pinned\n    source: rtsps://10.0.0.5/s\n    tlsFingerprint: 'AB:CD'\n");
        assertThatThrownBy(() -> RelayConfigLoader.load(bad, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cameras[0].tlsFingerprint:");
    }

    @Test
    void environmentOverridesYaml() throws Exception {
        Path file = yaml("httpPort: 9000\nrtspPort: 9554\ndemo: true\nbind: 127.0.0.1\n");

        RelayConfig c = RelayConfigLoader.load(file, Map.of("RELAY_HTTP_PORT", "0", "RELAY_DEMO", "false"));

        assertThat(c.httpPort()).isZero();
        assertThat(c.demo()).isFalse();
        assertThat(c.rtspPort()).isEqualTo(9554);
        assertThat(c.bind()).isEqualTo("127.0.0.1");
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        assertThatThrownBy(() -> RelayConfigLoader.load(null, Map.of("RELAY_DEMO", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("RELAY_DEMO");
        assertThatThrownBy(() -> RelayConfigLoader.load(null, Map.of("RELAY_HTTP_PORT", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("httpPort (RELAY_HTTP_PORT)");
    }

    @Test
    void shortSecretsAreRefused() {
        assertThatThrownBy(() -> RelayConfigLoader.load(null, Map.of("RELAY_TOKEN_SECRET", "too-short")))
                .hasMessageContaining("RELAY_TOKEN_SECRET").hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> RelayConfigLoader.load(null, Map.of("RELAY_ADMIN_KEY", "short")))
                .hasMessageContaining("RELAY_ADMIN_KEY");
    }

    @Test
    void corsOriginsComeCommaSeparatedFromTheEnvironment() throws Exception {
        RelayConfig c = RelayConfigLoader.load(null,
                Map.of("RELAY_CORS_ORIGINS", "https://a.example.com, https://b.example.com:8443"));

        assertThat(c.corsOrigins()).containsExactly("https://a.example.com", "https://b.example.com:8443");
        assertThatThrownBy(() -> RelayConfigLoader.load(null, Map.of("RELAY_CORS_ORIGINS", "https://a.com/path")))
                .hasMessageContaining("corsOrigins (RELAY_CORS_ORIGINS)");
    }

    @Test
    void hlsPartTargetComesFromTheFileOrTheEnvironmentAndIsCheckedAtStart() throws Exception {
        assertThat(RelayConfigLoader.load(null, Map.of()).hlsPartTargetMillis()).isEqualTo(200);
        assertThat(RelayConfigLoader.load(yaml("hlsPartTargetMillis: 500\n"), Map.of()).hlsPartTargetMillis())
                .isEqualTo(500);
        assertThat(RelayConfigLoader.load(yaml("hlsPartTargetMillis: 500\n"),
                Map.of("RELAY_HLS_PART_TARGET_MS", "100")).hlsPartTargetMillis()).isEqualTo(100);

        for (String bad : new String[] {"99", "2001", "4000", "0"}) {
            assertThatThrownBy(() -> RelayConfigLoader.load(null, Map.of("RELAY_HLS_PART_TARGET_MS", bad)))
                    .as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("hlsPartTargetMillis (RELAY_HLS_PART_TARGET_MS)")
                    .hasMessageContaining("between 100 and 2000 ms")
                    .hasMessageContaining("below TARGETDURATION");
        }
        assertThatThrownBy(() -> RelayConfigLoader.load(yaml("hlsPartTargetMillis: 0.2\n"), Map.of()))
                .hasMessageContaining("'hlsPartTargetMillis'");
        assertThat(RelayConfigLoader.helpText()).contains("RELAY_HLS_PART_TARGET_MS", "whole frames");
    }

    @Test
    void helpListsEverySettingWithItsVariable() {
        String help = RelayConfigLoader.helpText();

        for (ConfigKey key : ConfigKey.values()) {
            assertThat(help).contains(key.yamlKey());
            if (key.envVar() != null) {
                assertThat(help).contains(key.envVar());
            }
        }
        assertThat(help).contains("RELAY_HTTP_PORT", "RELAY_RTSP_PORT", "RELAY_WEBRTC_PORT", "RELAY_BIND",
                "RELAY_ADMIN_KEY", "RELAY_TOKEN_SECRET", "RELAY_DEMO");
    }

    @Test
    void secretsStayOutOfToString() throws Exception {
        RelayConfig c = RelayConfigLoader.load(null, Map.of("RELAY_ADMIN_KEY", "admin-key-0123456789",
                "RELAY_TOKEN_SECRET", "0123456789abcdef0123456789abcdef"));

        assertThat(c.toString()).doesNotContain("admin-key-0123456789", "0123456789abcdef0123456789abcdef");
    }

    @Test
    void anExternalIssuerNeedsBothItsJwksUrlAndItsName() throws Exception {
        assertThatThrownBy(() -> RelayConfigLoader.load(null, Map.of("RELAY_JWKS_URL", "https://idp.example/jwks")))
                .hasMessageContaining("jwksIssuer (RELAY_JWKS_ISSUER)");
        assertThatThrownBy(() -> RelayConfigLoader.load(null, Map.of("RELAY_JWKS_URL", "ftp://idp.example/jwks",
                "RELAY_JWKS_ISSUER", "https://idp.example"))).hasMessageContaining("jwksUrl (RELAY_JWKS_URL)");
        RelayConfig c = RelayConfigLoader.load(null, Map.of("RELAY_JWKS_URL", "https://idp.example/jwks",
                "RELAY_JWKS_ISSUER", "https://idp.example"));
        assertThat(c.jwksIssuer()).isEqualTo("https://idp.example");
    }
}
