#!/usr/bin/env python3
"""Start-up benchmark: time from process start to the window on screen, and
memory, for Chorus (demo mode, the welcome screen) against a minimal Fyne
window (scripts/minimalfyne) measured the same way in the same run.

    python3 scripts/startbench.py [--rounds 7]

Under Xvfb (started unless DISPLAY is set). Each round starts the two apps
one after the other, in alternating order: "shown" is when the window with
the app's title is mapped and viewable (polled every 20 ms with xdotool: faster polling made the X server refuse new clients);
memory is VmRSS and VmHWM from /proc after the app has settled for 3 s.
Chorus starts on a data folder set up by an untimed first run, as a kiosk
laptop does every morning. Prints each round, then medians and the ratios
Chorus / minimal (goal: at most 1.5 each).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import walk  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def status(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) / 1024  # MiB
    return out


def measure(argv, title, env):
    start = time.monotonic()
    err = tempfile.TemporaryFile(mode="w+")
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        shown = None
        while time.monotonic() - start < 60:
            r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
                               capture_output=True, text=True)
            if r.stdout.strip():
                shown = time.monotonic() - start
                break
            if p.poll() is not None:
                err.seek(0)
                said = [l for l in err.read().splitlines() if "ALSA" not in l][-60:]
                raise SystemExit(f"{argv[0]} exited with {p.returncode} before showing a window:\n  " + "\n  ".join(said))
            time.sleep(0.02)
        if shown is None:
            raise SystemExit(f"{argv[0]} showed no window in 60 s")
        time.sleep(3)
        mem = status(p.pid)
        return shown, mem["VmRSS"], mem["VmHWM"]
    finally:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args()
    subprocess.run(["go", "build", "-o", os.path.join(ROOT, "bin/minimalfyne"), "./scripts/minimalfyne"],
                   cwd=ROOT, check=True)
    procs = walk.start_display()
    home = tempfile.mkdtemp(prefix="chorus-startbench-")
    env = dict(os.environ, HOME=home, LANG="en_GB.UTF-8")
    chorus = [os.path.join(ROOT, "bin/chorus"), "--demo", "--data", os.path.join(home, "data")]
    minimal = [os.path.join(ROOT, "bin/minimalfyne")]
    try:
        measure(chorus, "Chorus", env)  # sets up the demo folder; not timed
        measure(minimal, "Minimal Fyne", env)  # warms the page cache
        rows = {"chorus": [], "minimal": []}
        for i in range(a.rounds):
            order = [("chorus", chorus, "Chorus"), ("minimal", minimal, "Minimal Fyne")]
            if i % 2:
                order.reverse()
            for name, argv, title in order:
                rows[name].append(measure(argv, title, env))
            c, m = rows["chorus"][-1], rows["minimal"][-1]
            print(f"round {i + 1}: chorus {c[0] * 1000:.0f} ms, RSS {c[1]:.1f} MiB, HWM {c[2]:.1f} MiB; "
                  f"minimal {m[0] * 1000:.0f} ms, RSS {m[1]:.1f} MiB, HWM {m[2]:.1f} MiB", flush=True)
        med = {k: [statistics.median(x[j] for x in v) for j in range(3)] for k, v in rows.items()}
        c, m = med["chorus"], med["minimal"]
        print(f"median: chorus {c[0] * 1000:.0f} ms to the welcome screen, RSS {c[1]:.1f} MiB, HWM {c[2]:.1f} MiB")
        print(f"median: minimal Fyne {m[0] * 1000:.0f} ms to its window, RSS {m[1]:.1f} MiB, HWM {m[2]:.1f} MiB")
        print(f"ratio: time {c[0] / m[0]:.2f}x, RSS {c[1] / m[1]:.2f}x, HWM {c[2] / m[2]:.2f}x (goal <= 1.5x each)")
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)


if __name__ == "__main__":
    main()
