#!/usr/bin/python3
"""A camera to pull from: GStreamer's RTSP server on 127.0.0.1 (test-rig.md).

Usage: rtsp_camera.py PORT [USER PASSWORD] [--auth digest|basic] [--protocols all|udp|tcp] [--clip FILE]
                      [--tls CERT KEY] [--latm]
Serves /cam. Without --clip: an H.264 test pattern, 320x240 at 25 fps, a keyframe every 25 frames, one pipeline
shared by every client. With --clip: the H.264 video and AAC audio of a Matroska FILE (e.g. one FFmpeg encoded with
a SEI camera tag on every frame), paced in real time, from its first frame for each client, once (then EOS).
With USER and PASSWORD the mount needs authentication: Digest (the default) or Basic. --protocols limits the lower
transports the server accepts (tcp: a UDP SETUP is answered 461, as a camera behind a UDP-blocking firewall would
make a client fall back). --tls serves RTSP over TLS (rtsps, RFC 7826 §19.2) with the PEM certificate and key
(GstRTSPAuth.set_tls_certificate). --latm sends the clip's AAC as MP4A-LATM (rtpmp4apay, RFC 6416) instead of
MPEG4-GENERIC (rtpmp4gpay, RFC 3640). Prints "ready" once listening; runs until killed.
"""
import argparse

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gio, GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("port")
parser.add_argument("user", nargs="?")
parser.add_argument("password", nargs="?")
parser.add_argument("--auth", choices=["digest", "basic"], default="digest")
parser.add_argument("--protocols", choices=["all", "udp", "tcp"], default="all")
parser.add_argument("--clip")
parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
parser.add_argument("--latm", action="store_true")
args = parser.parse_args()

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(args.port)
factory = GstRtspServer.RTSPMediaFactory()
if args.clip:
    factory.set_launch(
        "( filesrc location=\"%s\" ! matroskademux name=d "
        "d.video_0 ! queue ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 "
        "d.audio_0 ! queue ! aacparse ! %s name=pay1 pt=97 )"
        % (args.clip, "rtpmp4apay" if args.latm else "rtpmp4gpay"))
    factory.set_shared(False)
else:
    factory.set_launch(
        "( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=25/1 "
        "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 "
        "! rtph264pay name=pay0 pt=96 config-interval=-1 )")
    factory.set_shared(True)
lower = {"all": GstRtsp.RTSPLowerTrans.UDP | GstRtsp.RTSPLowerTrans.TCP,
         "udp": GstRtsp.RTSPLowerTrans.UDP,
         "tcp": GstRtsp.RTSPLowerTrans.TCP}[args.protocols]
factory.set_protocols(lower)
if args.user is not None or args.tls:
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
    if args.user is None:
        auth.set_default_token(token)  # TLS without a password: anyone may watch
    elif args.auth == "digest":
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        auth.add_digest(args.user, args.password, token)
    else:
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
    if args.tls:
        auth.set_tls_certificate(Gio.TlsCertificate.new_from_files(args.tls[0], args.tls[1]))
    server.set_auth(auth)
    factory.add_role_from_structure(Gst.Structure.new_from_string(
        "viewer, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"))
server.get_mount_points().add_factory("/cam", factory)
server.attach(None)
print("ready", flush=True)
GLib.MainLoop().run()
