#!/usr/bin/env python3
"""Walks one participant through the real Chorus window under Xvfb, taking a
screenshot of every screen.

    scripts/walk.py --lang cy --out shots/cy [--bin bin/chorus] [--keyboard]

It starts Xvfb (unless DISPLAY is set), runs `chorus --demo` on a fresh data
folder, answers every question the built-in survey shows (the first option
of each choice question, a sentence for text, a postcode, a number for
numbers), following its skip logic, sends the
answers and finishes. With --keyboard it uses only the keyboard (Tab, Space,
Enter). It prints the data folder so callers can check what was saved.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETTLE = 0.9  # seconds: longer than the kiosk's settle time


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True).stdout


class Stuck(Exception):
    """The walk pressed something and the screen did not change: it says
    which step, so a failed run names where it stopped."""


class Walk:
    def __init__(self, a):
        self.a = a
        a.text = getattr(a, "text", "The nurse was kind (thank you!) - 100%")
        self.n = 0
        self.where = "start"  # the step the walk is on, for Stuck's message
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(ROOT, "assets/surveys/digital-inclusion.json"), encoding="utf-8") as f:
            self.survey = json.load(f)
        with open(os.path.join(ROOT, "translations/meta/languages.json"), encoding="utf-8") as f:
            langs = {l["tag"]: l for l in json.load(f)}
        self.rtl = langs.get(a.lang, {}).get("dir") == "rtl"

    def shot(self, name):
        self.n += 1
        path = os.path.join(self.a.out, f"{self.n:02d}-{name}.png")
        sh("import", "-window", "root", path)
        return path

    def key(self, *keys):
        for k in keys:
            sh("xdotool", "key", k)
            time.sleep(0.08)

    def screen(self):
        """A digest of what the screen shows now."""
        out = subprocess.run(["import", "-window", "root", "-depth", "8", "ppm:-"],
                             check=True, capture_output=True).stdout
        return hashlib.sha256(out).digest()

    def settled(self, before, timeout=15):
        """Waits until the screen differs from before and has stopped
        changing, or timeout seconds pass: a loaded machine (or a big
        font's first use) can take longer than SETTLE to draw the next
        screen, and a walk that goes on early falls out of step. Returns
        whether the screen changed at all."""
        end = time.time() + timeout
        now = self.screen()
        while now == before and time.time() < end:
            time.sleep(0.1)
            now = self.screen()
        changed = now != before
        while time.time() < end:
            time.sleep(0.3)
            again = self.screen()
            if again == now:
                break
            now = again
        time.sleep(SETTLE)  # past the kiosk's settle time for the next tap
        return changed

    def ready(self, timeout=60):
        """Waits until the first screen is drawn and has been still for a
        second and a half (a cold start on a slow machine parses the fonts
        and lays the welcome screen out again once the window has its
        full-screen size)."""
        end = time.time() + timeout
        last, since = self.screen(), time.time()
        while time.time() < end:
            time.sleep(0.25)
            now = self.screen()
            if now != last:
                last, since = now, time.time()
            elif time.time() - since >= 1.5:
                return
        raise Stuck(f"the first screen was still changing after {timeout} s")

    def step(self, what, act, before):
        """Runs act (a key press or a click), waits for the screen it leads
        to, and raises Stuck naming what when nothing changed."""
        act()
        if not self.settled(before):
            raise Stuck(f"{what}: the screen did not change within 15 s")

    def press(self, tabs):
        """Tabs to a button, presses it with Space and waits for the
        screen it leads to."""
        self.key(*tabs)
        time.sleep(0.3)
        self.step(f"{self.where}: Space after {len(tabs)} Tab", lambda: self.key("space"), self.screen())

    def next(self):
        """Presses the primary button (Next, Agree, Send, Finish) and
        waits for the next screen."""
        before = self.screen()
        if self.a.keyboard:
            # the kiosk maps Enter to its primary action
            self.step(f"{self.where}: Enter", lambda: self.key("Return"), before)
        else:
            w, h = getattr(self.a, "width", 1280), getattr(self.a, "height", 800)
            x = 112 if self.rtl else w - 112
            self.step(f"{self.where}: a tap on Next", lambda: sh("xdotool", "mousemove", str(x), str(h - 44), "click", "1"), before)

    def send(self):
        """Presses Send on check answers: Enter with the keyboard, else a
        click on the green button in the footer's middle (not in Next's
        place), and waits for the receipt."""
        if self.a.keyboard:
            self.next()
            return
        w, h = getattr(self.a, "width", 1280), getattr(self.a, "height", 800)
        ppm = subprocess.run(["import", "-window", "root", "-depth", "8", "ppm:-"],
                             check=True, capture_output=True).stdout
        head = ppm.split(b"\n", 3)
        sw = int(head[1].split()[0])
        data, y = head[3], h - 44
        xs = [x for x in range(0, w, 2) if tuple(data[(y * sw + x) * 3:(y * sw + x) * 3 + 3]) == (0x00, 0x7F, 0x3B)]
        if not xs:
            sys.exit("check answers: no Send button (green) in the footer")
        x = (xs[0] + xs[-1]) // 2
        self.step("check answers: a tap on Send", lambda: sh("xdotool", "mousemove", str(x), str(y), "click", "1"), self.screen())

    def visible(self, q, answers):
        """Whether q is shown given answers (option codes by question id),
        as the kiosk's skip logic decides: its condition holds and the
        question the condition looks at is shown too."""
        cond = q.get("show_if")
        if not cond:
            return True
        ref = next(r for r in self.survey["questions"] if r["id"] == cond["question"])
        got = answers.get(cond["question"], [])
        if not self.visible(ref, answers) or not got:
            return False
        if cond.get("answered"):
            return True
        want = [cond["equals"]] if cond.get("equals") else cond.get("any_of", [])
        return any(c in got for c in want)

    def choose_first(self):
        self.key("Tab", "space")

    def run(self):
        tags = self.survey["languages"]
        if self.a.lang not in tags:
            sys.exit(f"the built-in survey has no {self.a.lang}")
        self.where = "welcome"
        self.ready()
        # The display bar's buttons come after the languages in Tab order:
        # A, A+, A++, then high contrast.
        sizes = {1.0: 1, 1.5: 2, 2.0: 3}
        if getattr(self.a, "scale", 1.0) != 1.0:
            self.press(["Tab"] * (len(tags) + sizes[self.a.scale]))
        if getattr(self.a, "contrast", False):
            self.press(["Tab"] * (len(tags) + 4))
        self.shot("welcome")
        self.press(["Tab"] * (tags.index(self.a.lang) + 1))
        self.shot("consent")
        self.where = "consent"
        self.next()
        if self.survey.get("intro", {}).get(self.a.lang):
            self.shot("intro")
            self.where = "intro"
            self.next()
        answers = {}
        for q in self.survey["questions"]:
            if not self.visible(q, answers):
                continue
            t = q["type"]
            self.where = f"question {q['id']}"
            limit = q.get("max_length", 10 if q.get("input") == "postcode_outward" else 2000)
            if t in ("single", "multi", "faces4", "scale5", "yesno"):
                self.choose_first()
                answers[q["id"]] = [(q.get("options") or [{"code": "yes"}])[0]["code"]]
            elif t == "text":
                typed = "SW1A 1AA" if q.get("input") == "postcode_outward" else self.a.text[:limit]
                sh("xdotool", "type", "--delay", "15", typed)
                answers[q["id"]] = ["text"]
                if self.a.keyboard and limit > 60:
                    # Enter in a multi-line box types a new line: Tab past
                    # Back (and Skip, on an optional question) to Next.
                    self.key(*(["Tab"] * (2 if q.get("required") else 3)))
            elif t == "number":
                sh("xdotool", "type", str(q.get("min", 1)))
                answers[q["id"]] = ["number"]
            time.sleep(0.3)
            self.shot(q["id"])
            self.next()
        self.shot("review")
        self.send()
        time.sleep(1.5)
        self.shot("thanks")
        self.where = "thank-you"
        self.next()
        self.shot("welcome-after")


def start_display(size="1280x800", display=":99"):
    """Starts Xvfb (size WxH) on display unless DISPLAY is set; returns the
    processes."""
    procs = []
    if not os.environ.get("DISPLAY"):
        os.environ["DISPLAY"] = display
        procs.append(subprocess.Popen(["Xvfb", display, "-screen", "0", size + "x24", "-nolisten", "tcp"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for _ in range(100):
            if subprocess.run(["xdpyinfo"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
    return procs


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--lang", default="en")
    p.add_argument("--out", default="shots")
    p.add_argument("--bin", default=os.path.join(ROOT, "bin/chorus"))
    p.add_argument("--keyboard", action="store_true")
    p.add_argument("--text", default="The nurse was kind (thank you!) - 100%")
    p.add_argument("--keep", action="store_true", help="leave the app running")
    p.add_argument("--scale", type=float, default=1.0, help="text size: 1, 1.5 or 2")
    p.add_argument("--contrast", action="store_true", help="switch high contrast on")
    p.add_argument("--size", default="1280x800", help="screen size WxH (Xvfb's, so the kiosk's window)")
    p.add_argument("--display", default=":99", help="X display for Xvfb when DISPLAY is not set")
    a = p.parse_args()
    a.width, a.height = (int(v) for v in a.size.split("x"))

    procs = start_display(a.size, a.display)
    home = tempfile.mkdtemp(prefix="chorus-walk-")
    data = os.path.join(home, "data")
    env = dict(os.environ, HOME=home, LANG="en_GB.UTF-8")
    app = subprocess.Popen([a.bin, "--demo", "--data", data], env=env,
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(home, "app.log"), "w"))
    try:
        wid = sh("xdotool", "search", "--sync", "--name", "Chorus").split()[0]
        if a.size != "1280x800":
            # No window manager here: fit the window to the screen ourselves,
            # as the kiosk session's full screen does.
            # Twice: a window not yet mapped takes its own size back.
            for _ in range(2):
                sh("xdotool", "windowmove", wid, "0", "0", "windowsize", wid, str(a.width), str(a.height))
                time.sleep(0.75)
        time.sleep(1.5)
        Walk(a).run()
        print(data)
    finally:
        if not a.keep:
            app.terminate()
            app.wait(10)
            for p in procs:
                p.terminate()
                p.wait(10)


if __name__ == "__main__":
    main()
