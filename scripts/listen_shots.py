#!/usr/bin/env python3
"""Screenshots of the read-aloud controls in the real Chorus window under
Xvfb: the welcome screen (Listen and "Always read aloud"), the consent
screen while it is read aloud (the cue), the easy-read consent (at 100%),
and a question with its option speakers, for each language and text size
given.

    scripts/listen_shots.py --out shots/listen [--bin bin/chorus] [--langs en,ar,ur] [--scales 1,2]

Positions follow the screen's size (Xvfb's, or DISPLAY's if set, e.g. a
1024x768 display) and the language's direction: Listen is at the header's
right end, or its left end for right-to-left languages.

ALSA's default device is pointed at its null plugin, so sound "plays" (and
the cue shows) on a machine without a sound card.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import walk  # noqa: E402

ROOT = walk.ROOT


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="shots/listen")
    p.add_argument("--bin", default=os.path.join(ROOT, "bin/chorus"))
    p.add_argument("--langs", default="en,ar,ur")
    p.add_argument("--scales", default="1,2")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    procs = walk.start_display()
    try:
        for lang in a.langs.split(","):
            for scale in [float(s) for s in a.scales.split(",")]:
                shoot(a, lang, scale)
    finally:
        for pr in procs:
            pr.terminate()
            pr.wait(10)


def shoot(a, lang, scale):
    home = tempfile.mkdtemp(prefix="chorus-listen-")
    conf = os.path.join(home, "asound.conf")
    with open(conf, "w") as f:
        f.write("pcm.!default { type null }\n")
    env = dict(os.environ, HOME=home, LANG="en_GB.UTF-8", ALSA_CONFIG_PATH=conf)
    # --kiosk: full screen, so the window is the screen's size.
    app = subprocess.Popen([a.bin, "--demo", "--kiosk", "--data", os.path.join(home, "data")], env=env,
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(home, "app.log"), "w"))
    try:
        walk.sh("xdotool", "search", "--sync", "--name", "Chorus")
        # Full screen, the welcome screen is built again at its first turn
        # (4 s in) for the screen's size, and after that Space on a focused
        # language button did nothing under Xvfb (main too, 3 Dec 2026):
        # choose the language before it.
        time.sleep(1.5)
        width, height = (int(v) for v in walk.sh("xdotool", "getdisplaygeometry").split())
        w = walk.Walk(argparse.Namespace(lang=lang, out=a.out, keyboard=True, scale=scale, contrast=False,
                                         width=width, height=height))
        tags = w.survey["languages"]
        tag = f"{lang}-{int(scale * 100)}"
        if scale != 1.0:
            # A, A+, A++ follow the languages in Tab order.
            w.key(*(["Tab"] * (len(tags) + {1.5: 2, 2.0: 3}[scale])), "space")
            time.sleep(walk.SETTLE)
        shot(w, a.out, tag + "-1-welcome")
        # A click on the invitation takes the focus off A++, so Tab starts
        # from the first language again.
        walk.sh("xdotool", "mousemove", str(width // 2), "222" if scale == 1.0 else "330", "click", "1")
        time.sleep(0.3)
        # In one quick burst, before the welcome's first turn.
        walk.sh("xdotool", "key", "--delay", "40", *(["Tab"] * (tags.index(lang) + 1)), "space")
        time.sleep(walk.SETTLE)
        listen = listen_position(scale, w.rtl, width)
        walk.sh("xdotool", "mousemove", str(listen[0]), str(listen[1]), "click", "1")
        time.sleep(0.3)
        shot(w, a.out, tag + "-2-consent-playing")
        if scale == 1.0:
            # "Easy read", the first of the two version buttons under the
            # heading (mirrored for right-to-left).
            # (Arabic and Urdu headings are taller.)
            walk.sh("xdotool", "mousemove", str(width - 325) if w.rtl else "325", "310" if w.rtl else "263", "click", "1")
            time.sleep(walk.SETTLE)
            shot(w, a.out, tag + "-2b-consent-easy-read")
        time.sleep(4)
        w.next()
        if w.survey.get("intro", {}).get(lang):
            w.next()
        shot(w, a.out, tag + "-3-question")
    finally:
        app.terminate()
        app.wait(10)


def listen_position(scale, rtl, width):
    """The Listen button: the right end of the header (the left end for
    right-to-left), under the demo banner (no window manager, so no title
    bar)."""
    return (32 if rtl else width - 32, 112 if scale == 1.0 else 175)


def shot(w, out, name):
    path = os.path.join(out, name + ".png")
    walk.sh("import", "-window", "root", path)
    print(path)


if __name__ == "__main__":
    main()
