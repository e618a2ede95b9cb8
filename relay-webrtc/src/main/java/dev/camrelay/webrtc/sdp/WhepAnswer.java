package dev.camrelay.webrtc.sdp;

import dev.camrelay.core.media.Codec;

/**
 * An SDP answer and the choices in it that the media path needs.
 *
 * @param sdp                     the answer text (CRLF line ends)
 * @param videoMid                mid of the video section
 * @param videoPayloadType        negotiated H.264 payload type
 * @param audioMid                mid of the accepted audio section, or null when no audio is sent
 * @param audioPayloadType        negotiated audio payload type, or -1
 * @param audioCodec              codec of the audio sent, or null
 * @param nack                    generic NACK negotiated (RFC 4585 §6.2.1)
 * @param pli                     PLI negotiated (RFC 4585 §6.3.1)
 * @param fir                     FIR negotiated (RFC 5104 §4.3.1)
 * @param transportCcExtensionId  header extension id of transport-wide sequence numbers, 0 when not negotiated
 * @param rtxPayloadType          the RTX payload type (RFC 4588) for the video one, or -1 when not negotiated
 * @param remb                    goog-remb negotiated (draft-alvestrand-rmcat-remb-03)
 * @param audioTransportCc        the audio section negotiated the same transport-cc extension id as the video one
 * @param videoCodec              codec of the video sent (H.264, or H.265 when the offer has it)
 */
public record WhepAnswer(String sdp, String videoMid, int videoPayloadType, String audioMid, int audioPayloadType,
                         Codec audioCodec, boolean nack, boolean pli, boolean fir, int transportCcExtensionId,
                         int rtxPayloadType, boolean remb, boolean audioTransportCc, Codec videoCodec) {
}
