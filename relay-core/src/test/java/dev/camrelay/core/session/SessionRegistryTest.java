package dev.camrelay.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.isolation.IsolationViolations;
import dev.camrelay.core.media.AccessUnit;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import dev.camrelay.core.token.MutableClock;
import dev.camrelay.core.token.RevocationList;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Sessions are the only way to a reader, bind it to their own camera, and end it when they end. */
class SessionRegistryTest {

    private static final StreamFormat FORMAT = new StreamFormat(List.of());
    private static final int BUFFER = 1 << 16;

    private final Map<String, StreamBuffer> live = new ConcurrentHashMap<>();
    private final StreamDirectory directory = (camera, rendition) -> Optional.ofNullable(live.get(camera));
    private final IsolationViolations violations = new IsolationViolations();
    private final RevocationList revocations = new RevocationList();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T10:00:00Z"));
    private final SessionRegistry sessions = new SessionRegistry(directory, violations, revocations, clock, 3);

    private StreamBuffer goLive(String camera, long epoch) {
        StreamBuffer b = new StreamBuffer(new StreamKey(camera, epoch, 0), FORMAT, BUFFER);
        live.put(camera, b);
        return b;
    }

    private static void publish(StreamBuffer b, String text, boolean keyframe) {
        b.publish(new AccessUnit(0, 1, 1, keyframe, text.getBytes(StandardCharsets.UTF_8)));
    }

    private ViewerSession create(String camera) throws SessionLimitException {
        return sessions.create(camera, Protocol.HLS, "viewer", Duration.ofMinutes(10), "jti-" + Math.random(), 0);
    }

    @Test
    void sessionIdsAre128RandomBitsInOneSpelling() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            SessionId id = SessionId.random();
            assertThat(id.value()).hasSize(22).matches("[A-Za-z0-9_-]{22}");
            assertThat(SessionId.parse(id.value())).contains(id);
            seen.add(id.value());
        }
        assertThat(seen).hasSize(10_000);
        assertThat(SessionId.parse("AAAAAAAAAAAAAAAAAAAAAB")).isEmpty(); // spare bits set: a second spelling
        assertThat(SessionId.parse("AAAAAAAAAAAAAAAAAAAAA")).isEmpty();
        assertThat(SessionId.parse("AAAAAAAAAAAAAAAAAAAA/A")).isEmpty();
        assertThat(SessionId.parse(null)).isEmpty();
        assertThat(SessionId.random().toString()).doesNotContain(SessionId.random().value());
    }

    @Test
    void readerOfASessionYieldsItsOwnCamerasFrames() throws Exception {
        StreamBuffer a = goLive("cam-a", 7);
        publish(a, "A0", true);
        ViewerSession s = create("cam-a");

        StreamReader r = s.openReader(0).orElseThrow();

        assertThat(r.poll()).isEqualTo(StreamReader.FRAME);
        assertThat(new String(r.frame().payloadBytes(), StandardCharsets.UTF_8)).isEqualTo("A0");
        assertThat(s.epoch()).isEqualTo(7);
        assertThat(violations.total()).isZero();
    }

    @Test
    void aCorruptedMappingToAnotherCameraIsBlockedAtTheFirstFrame() throws Exception {
        StreamBuffer b = goLive("cam-b", 3);
        publish(b, "B0", true);
        live.put("cam-a", b); // fault injection: the directory hands cam-a's viewers cam-b's stream
        ViewerSession s = create("cam-a");

        StreamReader r = s.openReader(0).orElseThrow();

        assertThat(r.poll()).isEqualTo(StreamReader.CLOSED);
        assertThat(r.framesRead()).isZero();
        assertThat(violations.total()).isEqualTo(1);
    }

    @Test
    void anOlderEpochsBufferIsRefused() throws Exception {
        StreamBuffer old = goLive("cam-a", 4);
        publish(old, "old", true);
        ViewerSession s = sessions.create("cam-a", Protocol.WEBRTC, "v", Duration.ofMinutes(1), "j", 9);

        StreamReader r = s.openReader(0).orElseThrow();

        assertThat(r.poll()).isEqualTo(StreamReader.CLOSED);
        assertThat(violations.total()).isEqualTo(1);
        assertThat(s.epoch()).isEqualTo(9);
    }

    @Test
    void aSessionMovesWithItsCameraToANewEpoch() throws Exception {
        goLive("cam-a", 1);
        ViewerSession s = create("cam-a");
        assertThat(s.openReader(0)).isPresent();
        StreamBuffer next = goLive("cam-a", 2);
        publish(next, "new", true);

        StreamReader r = s.openReader(0).orElseThrow();

        assertThat(r.poll()).isEqualTo(StreamReader.FRAME);
        assertThat(s.epoch()).isEqualTo(2);
        assertThat(r.expectedKey()).isEqualTo(new StreamKey("cam-a", 2, 0));
    }

    @Test
    void revokingASessionClosesItsReadersAndRevokesItsToken() throws Exception {
        goLive("cam-a", 1);
        ViewerSession s = sessions.create("cam-a", Protocol.HLS, "v", Duration.ofMinutes(1), "jti-r", 1);
        StreamReader r = s.openReader(0).orElseThrow();
        List<ViewerSession> ended = new ArrayList<>();
        sessions.addEndListener(ended::add);

        assertThat(sessions.revoke(s.id())).isTrue();
        assertThat(sessions.revoke(s.id())).isFalse();

        assertThat(r.poll()).isEqualTo(StreamReader.CLOSED);
        assertThat(s.isRevoked()).isTrue();
        assertThat(s.openReader(0)).isEmpty();
        assertThat(revocations.isRevoked("jti-r")).isTrue();
        assertThat(ended).containsExactly(s);
        assertThat(sessions.activeCount("cam-a")).isZero();
    }

    @Test
    void expiryEndsSessionsAndClosesTheirReaders() throws Exception {
        goLive("cam-a", 1);
        ViewerSession s = sessions.create("cam-a", Protocol.HLS, "v", Duration.ofSeconds(30), "jti-e", 1);
        StreamReader r = s.openReader(0).orElseThrow();
        clock.advance(Duration.ofSeconds(29));
        assertThat(sessions.expireDue()).isZero();

        clock.advance(Duration.ofSeconds(1));
        assertThat(s.openReader(0)).isEmpty();
        assertThat(sessions.expireDue()).isEqualTo(1);

        assertThat(r.poll()).isEqualTo(StreamReader.CLOSED);
        assertThat(s.ended()).contains(ViewerSession.End.EXPIRED);
        assertThat(sessions.find(s.id())).contains(s);
        clock.advance(SessionRegistry.ENDED_RETENTION.plusSeconds(1));
        sessions.expireDue();
        assertThat(sessions.find(s.id())).isEmpty();
    }

    @Test
    void aCameraHasAtMostItsLimitOfActiveSessions() throws Exception {
        ViewerSession first = create("cam-a");
        create("cam-a");
        create("cam-a");
        assertThatThrownBy(() -> create("cam-a")).isInstanceOf(SessionLimitException.class)
                .hasMessageContaining("cam-a");
        assertThat(create("cam-b")).isNotNull();

        sessions.revoke(first.id());
        assertThat(create("cam-a")).isNotNull();
    }

    @Test
    void deletingACameraRevokesEverySessionOfItOnly() throws Exception {
        create("cam-a");
        create("cam-a");
        ViewerSession other = create("cam-b");

        assertThat(sessions.revokeCamera("cam-a")).isEqualTo(2);

        assertThat(sessions.activeCount("cam-a")).isZero();
        assertThat(other.isActive(clock.instant())).isTrue();
        assertThat(sessions.listForCamera("cam-a")).allMatch(ViewerSession::isRevoked);
    }

    @Test
    void aSessionOfACameraThatIsNotLiveGetsNoReader() throws Exception {
        assertThat(create("cam-idle").openReader(0)).isEmpty();
    }

    @Test
    void aSessionIsFoundByItsTokensIdAndATokenIdBindsOneSessionOnly() throws Exception {
        ViewerSession s = sessions.create("cam-a", Protocol.HLS, "v", Duration.ofMinutes(1), "jti-x", 0);

        assertThat(sessions.findByJti("jti-x")).contains(s);
        assertThat(sessions.findByJti("jti-y")).isEmpty();
        assertThatThrownBy(() -> sessions.create("cam-b", Protocol.HLS, "v", Duration.ofMinutes(1), "jti-x", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSharedStreamReaderChecksTheCameraItWasOpenedFor() {
        StreamBuffer a = goLive("cam-a", 5);
        publish(a, "A0", true);
        live.put("cam-c", a); // fault injection: cam-c's entry points at cam-a's stream

        StreamReader right = sessions.openStreamReader("cam-a", 0).orElseThrow();
        StreamReader wrong = sessions.openStreamReader("cam-c", 0).orElseThrow();

        assertThat(right.poll()).isEqualTo(StreamReader.FRAME);
        assertThat(wrong.poll()).isEqualTo(StreamReader.CLOSED);
        assertThat(violations.total()).isEqualTo(1);
        assertThat(sessions.openStreamReader("cam-idle", 0)).isEmpty();
    }
}
