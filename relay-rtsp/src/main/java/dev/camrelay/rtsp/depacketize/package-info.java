/**
 * RTP payload formats to whole access units: H.264 (RFC 6184), H.265 (RFC 7798), AAC-hbr (RFC 3640), Opus
 * (RFC 7587) and G.711 (RFC 3551). Video comes out in AVCC form with parameter sets in-band on keyframes; an
 * access unit that may miss a packet is dropped together with everything up to the next keyframe, and counted.
 */
package dev.camrelay.rtsp.depacketize;
