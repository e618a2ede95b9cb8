package dev.camrelay.webrtc.dtls;

import java.util.Arrays;

/**
 * SRTP master keys and salts derived from a DTLS handshake (RFC 5764 §4.2). The relay, as DTLS server, protects what
 * it sends with the server key and salt and unprotects what the browser sends with the client ones.
 *
 * @param profile    the negotiated protection profile
 * @param clientKey  client_write_SRTP_master_key
 * @param serverKey  server_write_SRTP_master_key
 * @param clientSalt client_write_SRTP_master_salt
 * @param serverSalt server_write_SRTP_master_salt
 */
public record SrtpKeyingMaterial(SrtpProfile profile, byte[] clientKey, byte[] serverKey, byte[] clientSalt,
                                 byte[] serverSalt) {

    /** Splits exported material laid out client-key | server-key | client-salt | server-salt. */
    public static SrtpKeyingMaterial split(SrtpProfile profile, byte[] material) {
        if (material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException("need " + profile.keyingMaterialLength() + " bytes for " + profile);
        }
        int k = profile.keyLength();
        int s = profile.saltLength();
        return new SrtpKeyingMaterial(profile,
                Arrays.copyOfRange(material, 0, k),
                Arrays.copyOfRange(material, k, 2 * k),
                Arrays.copyOfRange(material, 2 * k, 2 * k + s),
                Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpKeyingMaterial m && m.profile == profile && Arrays.equals(m.clientKey, clientKey)
                && Arrays.equals(m.serverKey, serverKey) && Arrays.equals(m.clientSalt, clientSalt)
                && Arrays.equals(m.serverSalt, serverSalt);
    }

    @Override
    public int hashCode() {
        return profile.hashCode() * 31 + Arrays.hashCode(serverKey);
    }

    @Override
    public String toString() {
        return "SrtpKeyingMaterial[" + profile + ", keys redacted]";
    }
}
