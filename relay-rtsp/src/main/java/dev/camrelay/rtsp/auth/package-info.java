/**
 * RTSP authentication (RFC 2617 Basic and Digest, RFC 7616 SHA-256): reading every {@code WWW-Authenticate}
 * challenge, choosing the strongest, answering it, and verifying a client's answer on the server side.
 */
package dev.camrelay.rtsp.auth;
