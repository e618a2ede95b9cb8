package dev.camrelay.server.api;

import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.server.camera.Camera;
import java.util.List;

/**
 * A camera as {@code GET /api/v1/cameras[/{id}]} shows it (contract.md, Cameras). Secrets never appear: a pull
 * source's password is masked and a push camera's password is left out.
 *
 * @param id          camera id
 * @param kind        {@code demo}, {@code pull} or {@code push}
 * @param state       {@code idle}, {@code connecting}, {@code live}, {@code reconnecting} or {@code failed: ...}
 * @param stateReason why the camera is reconnecting or failed, and when it is tried next ("" otherwise)
 * @param note        what an operator should know about this camera ("" if nothing)
 * @param source      pull cameras: the RTSP URL, password masked
 * @param onDemand    pull cameras: connect only while someone watches
 * @param forceTcp    pull cameras: RTP over the RTSP connection
 * @param transport   RTSP cameras: how media arrives ({@code udp}, {@code tcp}, {@code tcp (UDP fallback: why)}),
 *                    null before the first session
 * @param tlsVerify   rtsps:// pull cameras: whether the camera's certificate is checked (false: any is accepted)
 * @param tlsFingerprint rtsps:// pull cameras: the pinned SHA-256 of the camera's certificate, null if none
 * @param publishUrl  push cameras: where the camera publishes
 * @param publishUser push cameras: the user it publishes as
 * @param epoch       the current (or last) stream epoch; 0 before the camera was first live
 * @param codecs      codec of each track, e.g. {@code ["H264", "AAC"]}
 * @param profile     the video track's profile from its SPS, e.g. {@code High} or {@code Main 10}; null if unknown
 * @param level       the video track's level from its SPS, e.g. {@code 3.1}; null if unknown
 * @param width       video width in pixels (0 if unknown)
 * @param height      video height in pixels (0 if unknown)
 * @param resolution  {@code WIDTHxHEIGHT}, or null
 * @param fps         the stream's nominal frame rate (0 if unknown)
 * @param measuredFps frames per second actually received over the last seconds
 * @param bitrateIn   bits per second received over the last seconds
 * @param gopFrames   frames from one keyframe to the next, null when not known
 * @param viewers     active viewer sessions
 * @param renditions  renditions offered; {@code source} is the camera's own stream
 * @param framesIn    frames received since the camera was added (all epochs)
 * @param bytesIn     payload bytes received since the camera was added (all epochs)
 * @param createdAt   when the camera was added (ISO-8601)
 */
public record CameraView(String id, String kind, String state, String stateReason, String note, String source,
                         Boolean onDemand, Boolean forceTcp, String transport, Boolean tlsVerify,
                         String tlsFingerprint, String publishUrl,
                         String publishUser, long epoch,
                         List<String> codecs, String profile, String level,
                         int width, int height, String resolution, double fps, double measuredFps, long bitrateIn,
                         Integer gopFrames, int viewers, List<String> renditions, long framesIn, long bytesIn,
                         String createdAt) {

    static CameraView of(Camera camera, int viewers, String rtspBase) {
        var spec = camera.spec();
        String kind = spec.isPull() ? "pull" : spec.isPush() ? "push" : "demo";
        StreamFormat format = camera.format().orElse(null);
        TrackFormat video = format == null ? null : format.video().orElse(null);
        List<String> codecs = format == null ? List.of()
                : format.tracks().stream().map(t -> t.codec().name()).toList();
        int width = video == null ? 0 : video.width();
        int height = video == null ? 0 : video.height();
        return new CameraView(
                camera.id(),
                kind,
                camera.state().label(),
                camera.state().reason(),
                camera.note(),
                spec.redactedSource(),
                spec.isPull() ? Boolean.TRUE.equals(spec.onDemand()) : null,
                spec.isPull() ? Boolean.TRUE.equals(spec.forceTcp()) : null,
                camera.transport().orElse(null),
                spec.isTls() ? spec.tlsTrust().verify() : null,
                spec.isTls() ? spec.tlsTrust().fingerprint() : null,
                spec.isPush() ? rtspBase + "/" + camera.id() : null,
                spec.isPush() ? spec.publish().user() : null,
                camera.epoch(),
                codecs,
                video == null || video.profile().isEmpty() ? null : video.profile(),
                video == null || video.level().isEmpty() ? null : video.level(),
                width,
                height,
                width > 0 && height > 0 ? width + "x" + height : null,
                video == null ? 0 : video.frameRate(),
                Math.round(camera.rate().framesPerSecond() * 10) / 10.0,
                camera.rate().bitsPerSecond(),
                camera.gopFrames().isPresent() ? camera.gopFrames().getAsInt() : null,
                viewers,
                List.of("source"),
                camera.framesIn(),
                camera.bytesIn(),
                camera.createdAt().toString());
    }
}
