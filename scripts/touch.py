#!/usr/bin/env python3
"""Touch check of the real Chorus window (make e2e, after e2e.py).

Fyne scrolls by dragging only on mobile devices; a kiosk's touch screen is a
desktop to Fyne, so Chorus scrolls its pages by drag itself. This script
proves it on the real binary, in a 1024x768 Xvfb screen with the X pointer
standing in for a finger (a touch screen's first finger is the pointer):

1. Starts `chorus --demo --kiosk` on a fresh data folder, sets the text to
   200% and goes to the barriers question (10 answers, most below the fold).
2. Drags upwards on the list with xdotool mousedown/mousemove/mouseup and
   checks that the list moved (the answers' part of the screen changed) and
   that the drag chose nothing it passed over.
3. Taps an answer while sliding 3 px, and checks that it was chosen.
Screenshots go to touch-shots/. Prints "N passed, M failed" and exits
non-zero on any failure.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import walk  # noqa: E402

ROOT = walk.ROOT
W, H = 1024, 768
results = []


def check(name, ok, detail=""):
    results.append((name, ok))
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""))


def grab(path):
    """Saves a screenshot to path and returns the screen's raw RGB bytes."""
    walk.sh("import", "-window", "root", path)
    return subprocess.run(["import", "-window", "root", "-depth", "8", "rgb:-"],
                          check=True, capture_output=True).stdout


def changed(a, b, top, bottom):
    """How many pixels differ between screens a and b in rows top..bottom."""
    n = 0
    for y in range(top, bottom):
        row = slice(y * W * 3, (y + 1) * W * 3)
        ra, rb = a[row], b[row]
        if ra != rb:
            n += sum(1 for x in range(0, W * 3, 3) if ra[x:x + 3] != rb[x:x + 3])
    return n


def drag(x, y0, y1, steps=12):
    """A finger's drag from (x, y0) to (x, y1)."""
    walk.sh("xdotool", "mousemove", str(x), str(y0), "mousedown", "1")
    for i in range(1, steps + 1):
        time.sleep(0.03)
        walk.sh("xdotool", "mousemove", str(x), str(y0 + (y1 - y0) * i // steps))
    time.sleep(0.05)
    walk.sh("xdotool", "mouseup", "1")
    time.sleep(0.5)


def main():
    out = os.path.join(ROOT, "touch-shots")
    os.makedirs(out, exist_ok=True)
    procs = []
    if not os.environ.get("DISPLAY"):
        os.environ["DISPLAY"] = ":98"
        procs.append(subprocess.Popen(["Xvfb", ":98", "-screen", "0", f"{W}x{H}x24", "-nolisten", "tcp"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for _ in range(100):
            if subprocess.run(["xdpyinfo"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
    home = tempfile.mkdtemp(prefix="chorus-touch-")
    data = os.path.join(home, "data")
    env = dict(os.environ, HOME=home, LANG="en_GB.UTF-8")
    app = subprocess.Popen([os.path.join(ROOT, "bin/chorus"), "--demo", "--kiosk", "--data", data], env=env,
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(home, "app.log"), "w"))
    try:
        walk.sh("xdotool", "search", "--sync", "--name", "^Chorus$")
        time.sleep(2)

        class A:  # the walker's options
            lang, keyboard, out_ = "en", True, out
        A.out = out
        w = walk.Walk(A)
        tags = w.survey["languages"]
        # A++ is the third of the four square buttons at the top right,
        # under the demo banner.
        walk.sh("xdotool", "mousemove", str(W - 110), "117", "click", "1")
        time.sleep(walk.SETTLE)
        w.key(*(["Tab"] * (tags.index("en") + 1)), "space")
        time.sleep(walk.SETTLE)
        w.next()  # consent: yes
        if w.survey.get("intro"):
            w.next()  # the survey's intro: start
        for q in w.survey["questions"]:
            if q["id"] == "barriers":
                break
            if "show_if" in q:
                continue  # hidden: nothing it depends on is answered
            if q.get("required"):
                w.choose_first()
            w.next()
        walk.sh("xdotool", "mousemove", "5", str(H - 5))  # out of the way
        time.sleep(0.5)
        before = grab(os.path.join(out, "1-barriers.png"))
        # The answers' part of the screen: below the question, above the
        # footer's buttons.
        top, bottom = 300, 560
        drag(W // 2, 520, 260)
        after = grab(os.path.join(out, "2-after-drag.png"))
        n = changed(before, after, top, bottom)
        check("a drag up scrolls the list", n > 5000, f"{n} pixels changed")
        time.sleep(0.5)
        again = grab(os.path.join(out, "3-still.png"))
        check("the drag chose nothing (the screen is still once the drag is over)",
              changed(after, again, 0, H) == 0)
        drag(W // 2, 260, 520)
        back = grab(os.path.join(out, "4-dragged-back.png"))
        check("a drag down scrolls back", changed(after, back, top, bottom) > 5000)
        # A tap with a 3 px slide on the answer under the finger chooses it.
        walk.sh("xdotool", "mousemove", "5", str(H - 5))
        time.sleep(0.9)
        ref = grab(os.path.join(out, "5-before-tap.png"))
        drag(W // 2, 615, 618, steps=3)  # on "It costs too much"
        walk.sh("xdotool", "mousemove", "5", str(H - 5))
        time.sleep(0.5)
        tapped = grab(os.path.join(out, "6-after-tap.png"))
        check("a tap that slides 3 px still chooses the answer", changed(ref, tapped, 570, 660) > 500)
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
        for p in procs:
            p.terminate()
            p.wait(10)
    failed = sum(1 for _, ok in results if not ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
