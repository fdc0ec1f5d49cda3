#!/usr/bin/env python3
"""Runs a command and SIGKILLs it a given time after a file appears: a kill aimed at the last
steps of a write (a segment renamed into place, then the manifest) that a kill at a random share
of the run's time rarely hits.

    python3 scripts/kill_near.py WATCH MS -- COMMAND...

WATCH is the path to wait for, MS the milliseconds to wait after it appears before the kill
(the command runs on if it has ended by then). With MS below 0 nothing is killed: the command
runs to its end, and the milliseconds from WATCH's appearance to the command's exit are
printed (what a kill aimed at it can span). Otherwise prints `killed N ms after WATCH
appeared`, `ended N ms after WATCH appeared`, or `ended before WATCH appeared`. The command's
standard output is discarded; exit status 2 on a usage error, else 0.
"""
import os
import signal
import subprocess
import sys
import time


def main(argv):
    if len(argv) < 5 or argv[3] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    watch, ms, command = argv[1], argv[2], argv[4:]
    try:
        ms = float(ms)
    except ValueError:
        print(f"kill_near: MS must be a number, not {ms!r}", file=sys.stderr)
        return 2
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    # Poll for the file: a rename is atomic, so it exists whole as soon as it exists.
    while not os.path.exists(watch):
        if proc.poll() is not None:
            print("ended before WATCH appeared")
            return 0
        time.sleep(0.0001)
    seen = time.monotonic()
    if ms < 0:
        proc.wait()
        print(f"{(time.monotonic() - seen) * 1000:.0f}")
        return 0
    deadline = seen + ms / 1000
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            print(f"ended {(time.monotonic() - seen) * 1000:.1f} ms after WATCH appeared")
            return 0
        time.sleep(0.0001)
    try:
        proc.send_signal(signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    print(f"killed {ms:.0f} ms after WATCH appeared")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
