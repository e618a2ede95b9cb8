/**
 * WHEP SDP (draft-ietf-wish-whep; RFC 9725 for the shared rules): parsing a browser's offer into immutable records,
 * rejecting offers the relay cannot serve with a reason, and writing the ICE-lite, DTLS-passive, sendonly answer
 * with the H.264 payload type chosen for the camera's profile.
 */
package dev.camrelay.webrtc.sdp;
