package dev.camrelay.webrtc.srtp;

import dev.camrelay.webrtc.dtls.SrtpKeyingMaterial;
import dev.camrelay.webrtc.dtls.SrtpProfile;

/**
 * Builds the transform for a negotiated profile from DTLS-SRTP keying material (RFC 5764 §4.2): each side protects
 * with its own write key and unprotects with the peer's. Control plane; allocates.
 */
public final class SrtpTransforms {

    private SrtpTransforms() {
    }

    public static SrtpTransform create(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        return switch (profile) {
            case AES128_CM_HMAC_SHA1_80 -> new AesCmHmacSha1Transform(masterKey, masterSalt);
            case AEAD_AES_128_GCM -> new AesGcmTransform(masterKey, masterSalt);
        };
    }

    /** What the local side sends with: the server write key when it is the DTLS server. */
    public static SrtpTransform outbound(SrtpKeyingMaterial keys, boolean localIsDtlsServer) {
        return localIsDtlsServer ? create(keys.profile(), keys.serverKey(), keys.serverSalt())
                : create(keys.profile(), keys.clientKey(), keys.clientSalt());
    }

    /** What the local side receives with: the peer's write key. */
    public static SrtpTransform inbound(SrtpKeyingMaterial keys, boolean localIsDtlsServer) {
        return outbound(keys, !localIsDtlsServer);
    }
}
