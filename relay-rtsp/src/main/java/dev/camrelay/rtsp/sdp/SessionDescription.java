package dev.camrelay.rtsp.sdp;

import java.util.List;

/**
 * A parsed SDP (RFC 4566) with only the media sections that could be understood.
 *
 * @param origin        the {@code o=} value as sent
 * @param sessionName   the first {@code s=} value ({@code -} if none)
 * @param connection    the session {@code c=} value, "" if none
 * @param control       session-level {@code a=control}, "" if none (RFC 2326 §C.1.1)
 * @param attributes    session-level {@code a=} lines
 * @param media         media sections in order, skipped ones left out
 * @param skippedMedia  media sections left out because they could not be parsed or repeated a control
 */
public record SessionDescription(String origin, String sessionName, String connection, String control,
                                 List<SdpAttribute> attributes, List<MediaDescription> media, int skippedMedia) {

    public SessionDescription {
        attributes = List.copyOf(attributes);
        media = List.copyOf(media);
    }
}
