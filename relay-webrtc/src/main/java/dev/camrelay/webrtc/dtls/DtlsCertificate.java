package dev.camrelay.webrtc.dtls;

import dev.camrelay.webrtc.sdp.SdpFingerprint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/**
 * A self-signed ECDSA P-256 certificate for DTLS-SRTP (RFC 5763 §5; protocols.md 6.3) and its SHA-256 fingerprint for
 * {@code a=fingerprint} (RFC 8122 §5). WebRTC peers authenticate certificates only by that fingerprint, so the
 * name and validity are nominal. Immutable after construction; thread-safe.
 */
public final class DtlsCertificate {

    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final Duration VALIDITY = Duration.ofDays(30);

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final SdpFingerprint fingerprint;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprint = new SdpFingerprint("sha-256", sha256(der));
    }

    /** Generates a fresh key pair and certificate (a few milliseconds). */
    public static DtlsCertificate generate(SecureRandom random, String commonName) {
        ECNamedDomainParameters p256 = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1,
                ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1));
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(p256, random));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();
        try {
            Instant now = Instant.now();
            AlgorithmIdentifier ecdsaWithSha256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
            X500Name name = new X500Name("CN=" + commonName);
            V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
            tbs.setSerialNumber(new ASN1Integer(new BigInteger(63, random).add(BigInteger.ONE)));
            tbs.setSignature(ecdsaWithSha256);
            tbs.setIssuer(name);
            tbs.setSubject(name);
            tbs.setStartDate(new Time(Date.from(now.minus(BACKDATE))));
            tbs.setEndDate(new Time(Date.from(now.plus(VALIDITY))));
            tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()));
            TBSCertificate tbsCertificate = tbs.generateTBSCertificate();

            byte[] digest = new byte[32];
            byte[] tbsDer = tbsCertificate.getEncoded(ASN1Encoding.DER);
            SHA256Digest sha256 = new SHA256Digest();
            sha256.update(tbsDer, 0, tbsDer.length);
            sha256.doFinal(digest, 0);
            ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
            signer.init(true, keyPair.getPrivate());
            BigInteger[] rs = signer.generateSignature(digest);
            ASN1EncodableVector signature = new ASN1EncodableVector();
            signature.add(new ASN1Integer(rs[0]));
            signature.add(new ASN1Integer(rs[1]));

            ASN1EncodableVector certificate = new ASN1EncodableVector();
            certificate.add(tbsCertificate);
            certificate.add(ecdsaWithSha256);
            certificate.add(new DERBitString(new DERSequence(signature).getEncoded(ASN1Encoding.DER)));
            return new DtlsCertificate(new DERSequence(certificate).getEncoded(ASN1Encoding.DER), keyPair.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException("DER encoding of a generated certificate failed", e);
        }
    }

    /** The certificate in DER. */
    public byte[] der() {
        return der.clone();
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** {@code a=fingerprint:sha-256 ...} for the SDP answer. */
    public SdpFingerprint fingerprint() {
        return fingerprint;
    }

    /** Hash of a DER certificate with an SDP hash function name (RFC 8122 §5: sha-1, sha-256, ...). */
    static byte[] digest(String sdpHashFunction, byte[] der) {
        String jca = switch (sdpHashFunction) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            default -> null;
        };
        if (jca == null) {
            return null;
        }
        try {
            return MessageDigest.getInstance(jca).digest(der);
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }

    private static byte[] sha256(byte[] der) {
        return digest("sha-256", der);
    }
}
