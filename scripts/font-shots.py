#!/usr/bin/env python3
"""Screenshots of the welcome screen and of the first question in each
language given, to look at every script Chorus draws.

    scripts/font-shots.py --out shots/fonts --lang ar ur pa [--bin CMD...]

Uses the display in DISPLAY (it must be running; 1024x768 as a small
laptop's screen). For each language it starts `BIN --demo --kiosk --data
DIR` on a fresh data folder, photographs the welcome screen, picks the
language, agrees, passes the introduction and photographs the first
question. Run it under scripts/no-system-fonts to see Chorus with no system
fonts, and with --bin "wine chorus.exe" for the Windows build.
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import walk  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lang", nargs="+", default=["ar", "ur", "pa", "bn", "gu", "zh-Hans"])
    p.add_argument("--out", default="shots/fonts")
    p.add_argument("--bin", default=os.path.join(ROOT, "bin/chorus"), help="command to run (split like a shell)")
    p.add_argument("--data-prefix", default="", help="prefix for the data folder path (e.g. Z: under Wine)")
    p.add_argument("--wait", type=float, default=3.0, help="seconds to wait for the window to draw")
    a = p.parse_args()
    a.keyboard = True
    a.width, a.height = 1024, 768
    for lang in a.lang:
        a.lang_one = lang
        out = os.path.join(a.out, lang)
        os.makedirs(out, exist_ok=True)
        home = tempfile.mkdtemp(prefix="chorus-fontshots-")
        data = a.data_prefix + os.path.join(home, "data")
        app = subprocess.Popen(shlex.split(a.bin) + ["--demo", "--kiosk", "--data", data],
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(home, "app.log"), "w"))
        try:
            walk.sh("xdotool", "search", "--sync", "--name", "Chorus")
            time.sleep(a.wait)
            w = walk.Walk(argparse.Namespace(out=out, keyboard=True, lang=lang, width=1024, height=768))
            tags = w.survey["languages"]
            w.shot("welcome")
            w.key(*(["Tab"] * (tags.index(lang) + 1)), "space")
            time.sleep(walk.SETTLE)
            w.shot("consent")
            w.next()
            if w.survey.get("intro", {}).get(lang):
                w.next()
            time.sleep(0.5)
            w.shot("question")
            print(out)
        finally:
            app.terminate()
            try:
                app.wait(15)
            except subprocess.TimeoutExpired:
                app.kill()


if __name__ == "__main__":
    main()
