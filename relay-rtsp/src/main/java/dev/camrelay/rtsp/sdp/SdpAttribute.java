package dev.camrelay.rtsp.sdp;

/**
 * One {@code a=} line (RFC 4566 §5.13): {@code a=name} or {@code a=name:value}.
 *
 * @param name  attribute name as sent
 * @param value the value, "" for a property attribute
 */
public record SdpAttribute(String name, String value) {

    public SdpAttribute {
        name = name == null ? "" : name;
        value = value == null ? "" : value;
    }
}
