#!/usr/bin/python3
"""RTSP test server: serves MP4 (H.264) files as endless live camera streams.

Used by the connectors tests (RtspTestServer) and for local trials:

    /usr/bin/python3 tools/rtsp/rtsp_loop.py --port 8554 \
        --mount cam1=/data/videos/people_walking_overhead_720p.mp4 \
        --mount cam2=/data/videos/persons_one_by_one_432p.mp4 [--user alice --password s3cret]

Each mount is one camera: rtsp://127.0.0.1:PORT/NAME. Video is passed through (no re-encode, so the
server costs almost no CPU) and loops gaplessly (unless --no-loop); every connection starts at the
beginning of the file. Prints one line "READY rtsp://HOST:PORT" on stdout once it accepts
connections; exits with status 2 on bad arguments and 3 if the port is taken.
`kill -USR1 PID` prints every thread's Python stack to stderr.
Needs Debian's python3-gi and gir1.2-gst-rtsp-server-1.0 (tools/install-rtsp-test-server.sh);
run it with /usr/bin/python3 (a pyenv or venv python usually lacks gi).

Why the pipeline looks the way it does (measured, see docs/platform-notes.md "Live cameras"):
- the client's PLAY request makes its own flushing seek, so looping is armed only once PLAYING;
- the first loop seek must be FLUSH|SEGMENT (a non-flushing one hung start() in 4 of 6 runs), later
  re-seeks on segment-done are plain SEGMENT seeks, which makes the loop seamless;
- seeks run on their own threads and are sent to a pad (see seek_to_start): a quick client
  disconnect racing a loop seek can deadlock the server; rare now, but --no-loop avoids it;
- media are not shared: with shared media a new client restarts everyone and stops the looping.
"""
import argparse
import faulthandler
import signal
import sys
import threading

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def seek_to_start(pipeline, flags):
    # Sent to a pad, not to the pipeline: an element seek takes the pipeline's state lock, and
    # racing a client's TEARDOWN (which sets the pipeline to NULL on the main loop) deadlocked the
    # whole server about once per 20 quick connect/disconnect cycles; a pad seek did so about once
    # per 100 (measured; see docs/platform-notes.md).
    pad = pipeline.get_by_name('loopq').get_static_pad('src')
    pad.send_event(Gst.Event.new_seek(1.0, Gst.Format.TIME, flags, Gst.SeekType.SET, 0,
                                      Gst.SeekType.NONE, -1))


def seek_later(pipeline, flags):
    # On a thread of its own, never on the GLib main loop that answers every client's requests.
    threading.Thread(target=seek_to_start, args=(pipeline, flags), daemon=True).start()


def on_media_configure(_factory, media):
    pipeline = media.get_element().get_parent()
    armed = []
    bus = pipeline.get_bus()
    bus.enable_sync_message_emission()
    bus.connect('sync-message::segment-done',
                lambda _b, _m: seek_later(pipeline, Gst.SeekFlags.SEGMENT))

    def on_state(_media, state):
        if state == Gst.State.PLAYING and not armed:
            armed.append(True)
            seek_later(pipeline, Gst.SeekFlags.FLUSH | Gst.SeekFlags.SEGMENT)

    media.connect('new-state', on_state)


def gst_quote(path):
    return '"' + path.replace('\\', '\\\\').replace('"', '\\"') + '"'


def make_factory(path, role, loop):
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_shared(False)
    if loop:
        factory.connect('media-configure', on_media_configure)
    factory.set_launch(
        '( filesrc location=%s ! qtdemux name=demux demux.video_0 ! queue name=loopq ! h264parse'
        ' ! rtph264pay name=pay0 pt=96 config-interval=1 )' % gst_quote(path))
    if role:
        factory.add_role_from_structure(Gst.Structure.new_from_string(
            '%s, media.factory.access=(boolean)true, media.factory.construct=(boolean)true' % role))
    return factory


def parse_args(argv):
    parser = argparse.ArgumentParser(description='Loop H.264 MP4 files as RTSP cameras.')
    parser.add_argument('--port', type=int, required=True, help='TCP port (1..65535)')
    parser.add_argument('--address', default='127.0.0.1', help='listen address')
    parser.add_argument('--mount', action='append', required=True, metavar='NAME=FILE',
                        help='camera mount point and the MP4 it plays; repeat for more cameras')
    parser.add_argument('--user', help='require RTSP basic auth with this user')
    parser.add_argument('--password', help='password for --user')
    parser.add_argument('--no-loop', dest='loop', action='store_false',
                        help='end each stream at the end of its file instead of looping; loop seeks'
                             ' are the only known cause of a (rare) server deadlock, so tests whose'
                             ' connections are shorter than the clip use this')
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error('--port must be in 1..65535, got %d' % args.port)
    if (args.user is None) != (args.password is None):
        parser.error('--user and --password go together')
    mounts = []
    for spec in args.mount:
        name, sep, path = spec.partition('=')
        if not sep or not name or not path or '/' in name:
            parser.error('--mount expects NAME=FILE with a NAME without "/", got %r' % spec)
        mounts.append((name, path))
    if len({name for name, _ in mounts}) != len(mounts):
        parser.error('--mount names must be unique')
    return args, mounts


def main(argv):
    args, mounts = parse_args(argv)
    # `kill -USR1 PID` prints every thread's Python stack to stderr: shows where a stuck server is.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))
    role = None
    if args.user is not None:
        role = 'camera-user'
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string('media.factory.role', role)
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        server.set_auth(auth)
    for name, path in mounts:
        server.get_mount_points().add_factory('/' + name, make_factory(path, role, args.loop))
    if server.attach(None) == 0:
        print('port %d is busy' % args.port, file=sys.stderr, flush=True)
        return 3
    print('READY rtsp://%s:%d' % (args.address, args.port), flush=True)
    GLib.MainLoop().run()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
