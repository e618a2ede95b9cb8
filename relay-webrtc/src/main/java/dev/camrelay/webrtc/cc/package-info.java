/**
 * Congestion feedback of one WebRTC session, on the sender's side: transport-wide sequence numbers and their send
 * times (draft-holmer-rmcat-transport-wide-cc-extensions-01), the parser of transport-wide feedback, and
 * {@link dev.camrelay.webrtc.cc.SessionEstimator}, which turns receiver reports (RFC 3550 §6.4.1), REMB and
 * transport-wide feedback into one estimate of bandwidth, loss and round-trip time per session.
 */
package dev.camrelay.webrtc.cc;
