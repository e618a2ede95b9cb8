package dev.camrelay.webrtc.sdp;

/** Media direction attribute (RFC 8866 §6.7), from the offerer's point of view. */
public enum SdpDirection {
    SENDRECV("sendrecv"),
    SENDONLY("sendonly"),
    RECVONLY("recvonly"),
    INACTIVE("inactive");

    private final String attribute;

    SdpDirection(String attribute) {
        this.attribute = attribute;
    }

    public String attribute() {
        return attribute;
    }

    /** The direction named by an attribute line's name, or null. */
    public static SdpDirection fromAttribute(String name) {
        for (SdpDirection d : values()) {
            if (d.attribute.equals(name)) {
                return d;
            }
        }
        return null;
    }
}
