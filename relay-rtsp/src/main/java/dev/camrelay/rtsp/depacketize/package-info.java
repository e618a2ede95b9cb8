/**
 * RTP payload formats to whole access units: H.264 (RFC 6184), H.265 (RFC 7798), AAC-hbr (RFC 3640), AAC in
 * MP4A-LATM (RFC 6416), Opus (RFC 7587) and G.711 (RFC 3551). Video comes out in AVCC form with parameter sets
 * in-band on keyframes ({@code NalAccessUnitAssembler}, shared by H.264 and H.265); an access unit that may miss a
 * packet is dropped together with everything up to the next keyframe, and counted ({@code DepacketizerCounts}).
 */
package dev.camrelay.rtsp.depacketize;
