package dev.camrelay.rtsp.message;

/** What the framer emits and the encoder writes: a request, a response or an interleaved binary frame. */
public sealed interface RtspMessage permits RtspRequest, RtspResponse, InterleavedFrame {
}
