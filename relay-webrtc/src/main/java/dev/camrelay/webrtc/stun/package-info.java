/**
 * STUN (RFC 8489, formerly RFC 5389) as allocation-free flyweights over Agrona buffers: {@link
 * dev.camrelay.webrtc.stun.StunMessage} reads and validates, {@link dev.camrelay.webrtc.stun.StunMessageEncoder}
 * writes, {@link dev.camrelay.webrtc.stun.StunDescriptor} holds the layout. Malformed input yields negative status
 * codes, never exceptions. Checked against the RFC 5769 test vectors.
 */
package dev.camrelay.webrtc.stun;
