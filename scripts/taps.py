#!/usr/bin/env python3
"""Touch only: the whole participant path and the staff PIN in the real
Chorus window with taps alone (make e2e).

1. Builds nothing itself (make e2e builds bin/chorus first); starts Xvfb
   (1280x800, or TAPS_SIZE=1024x600) and openbox, then
   `chorus --demo --kiosk` on a fresh data folder.
2. Goes from the welcome screen through consent and every question of the
   built-in survey with `xdotool mousemove` and `click` only, no key
   presses: it taps the first answer of each choice question, types a word
   into the first free-text question with the on-screen keyboard, the
   postcode with Shift and the digits page, and the household number with
   the number pad (digits and +); then sends the answers and finishes.
3. Opens the staff PIN prompt with three taps on the hidden corner and
   types the demo coordinator's PIN on the PIN pad.
4. Checks the data folder: exactly one response, sealed, whose answers
   (opened with the demo analyst key) hold the typed word, postcode and
   number; the typed word is in no file; the staff sign-in is audited.

Widgets are found on screenshots, not at fixed places: the on-screen keys
sit on a tray of a colour found nowhere else (app/keyboard.go), so the keys
are the rectangles on it, row by row; an answer is the first answer-coloured
tile under the question; the primary button (Next, Agree, Send, Finish) sits
at the bottom right. Screenshots of each step go to taps-shots/.
Prints "N passed, M failed" and exits non-zero on any failure.
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import walk  # noqa: E402

ROOT = walk.ROOT
SETTLE = walk.SETTLE
# The screen: 1280x800 (the venues' laptops) unless TAPS_SIZE says e.g. 1024x600.
W, H = (int(v) for v in os.environ.get("TAPS_SIZE", "1280x800").split("x"))
WORD = "kumquat"  # typed with the on-screen keys; must appear in no file
POSTCODE = "CF10"
DEMO_PIN = "246810"  # the demo coordinator's (cmd_setup.go)

# Colours of the light theme (app/theme.go, app/keyboard.go).
TRAY = (0xC9, 0xD3, 0xD9)
ANSWER = (0xF0, 0xF4, 0xF5)  # a choice or button not chosen
CHOSEN = (0xD6, 0xE6, 0xF5)  # a chosen answer
PRIMARY = (0x00, 0x5E, 0xB8)  # language buttons, primary buttons
BANNER = (0xFF, 0xEB, 0x3B)  # the demo banner

results = []


def check(name, ok, detail=""):
    results.append((name, ok))
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""))
    return ok


class Screen:
    """One screenshot of the whole display, as RGB rows."""

    def __init__(self):
        ppm = subprocess.run(["import", "-window", "root", "-depth", "8", "ppm:-"],
                             check=True, capture_output=True).stdout
        # P6\n<w> <h>\n<max>\n<data>
        parts = ppm.split(b"\n", 3)
        self.w, self.h = (int(v) for v in parts[1].split())
        self.data = parts[3]

    def px(self, x, y):
        i = (y * self.w + x) * 3
        return tuple(self.data[i:i + 3])

    def first_down(self, x, y0, y1, colour):
        for y in range(y0, y1):
            if self.px(x, y) == colour:
                return y
        return None

    def trays(self, y0=0, y1=None):
        """The key trays' rows of keys: a list of trays, each a list of rows,
        each a list of key centres (x, y), left to right."""
        y1 = y1 or self.h
        # Rows of the screen that cross a tray: scan each 2nd row. A narrow
        # tray (a pad) shows its colour across only in the gaps between
        # rows of keys, so lines up to a key's height apart are one tray.
        boxes = []
        y = y0
        while y < y1:
            xs = [x for x in range(0, self.w, 4) if self.px(x, y) == TRAY]
            if len(xs) >= 20:
                x0, x1 = min(xs), max(xs)
                if boxes and y - boxes[-1][3] <= 80 and abs(boxes[-1][0] - x0) < 40:
                    boxes[-1][3] = y
                else:
                    boxes.append([x0, y, x1, y])
            y += 2
        out = []
        for x0, ty0, x1, ty1 in boxes:
            rows, band = [], None
            for y in range(ty0, ty1 + 1):
                keyish = any(self.px(x, y) != TRAY for x in range(x0 + 10, x1 - 10, 2))
                if keyish and band is None:
                    band = y
                elif not keyish and band is not None:
                    if y - band > 30:
                        rows.append(self.keys_in_row(x0, x1, (band + y) // 2))
                    band = None
            if band is not None and ty1 - band > 30:  # a row cut off by the screen's footer
                rows.append(self.keys_in_row(x0, x1, (band + ty1) // 2))
            if rows:
                out.append(rows)
        return out

    def keys_in_row(self, x0, x1, y):
        keys, start = [], None
        for x in range(x0, x1 + 1):
            on = self.px(x, y) != TRAY
            if on and start is None:
                start = x
            elif not on and start is not None:
                if x - start > 30:
                    keys.append(((start + x) // 2, y))
                start = None
        if start is not None and x1 - start > 30:
            keys.append(((start + x1) // 2, y))
        return keys


def tap(x, y, wait=0.25):
    walk.sh("xdotool", "mousemove", str(x), str(y), "click", "1")
    time.sleep(wait)


def shot(name, n=[0]):
    n[0] += 1
    walk.sh("import", "-window", "root", os.path.join(ROOT, "taps-shots", f"{n[0]:02d}-{name}.png"))


def primary():
    """Taps the screen's primary button (bottom right), then waits."""
    tap(W - 112, H - 44, SETTLE)


def keyboard(what):
    """The only key tray on screen, as rows of key centres."""
    trays = Screen().trays()
    if len(trays) != 1:
        raise RuntimeError(f"{what}: {len(trays)} key trays on screen, want 1")
    return trays[0]


LETTERS = ["qwertyuiop", "asdfghjkl'", "zxcvbnm,."]


def type_letters(word):
    """Types lower-case letters with the Latin keyboard's first page."""
    rows = keyboard("typing " + word)
    for c in word:
        r = next(i for i, row in enumerate(LETTERS) if c in row)
        x, y = rows[r][LETTERS[r].index(c)]
        tap(x, y, 0.15)


def run(data):
    time.sleep(SETTLE)
    s = Screen()
    # The language buttons: English is the first, top left.
    y = s.first_down(W // 8, 150, H - 100, PRIMARY)
    check("welcome: the language buttons are found", y is not None)
    shot("welcome")
    tap(W // 8, y + 30, SETTLE)
    shot("consent")
    primary()  # Yes, I will take part

    with open(os.path.join(ROOT, "assets/surveys/digital-inclusion.json"), encoding="utf-8") as f:
        survey = json.load(f)
    typed = False
    for q in survey["questions"]:
        t = q["type"]
        time.sleep(0.2)
        if t in ("single", "multi", "faces4", "scale5", "yesno"):
            s = Screen()
            x = int(W * 0.15)
            y = s.first_down(x, 150, H - 100, ANSWER)
            if not check(f"{q['id']}: an answer to tap", y is not None):
                shot(q["id"])
                primary()
                continue
            tap(x, y + 20)
            check(f"{q['id']}: the tapped answer is chosen", Screen().px(x, y + 4) == CHOSEN)
        elif t == "text" and not typed:
            type_letters(WORD)
            typed = True
        elif t == "text" and q.get("max_length", 2000) <= 60:
            rows = keyboard("postcode")
            fn = rows[-1]  # Shift, 123, Space, delete, Done
            for c in POSTCODE[:2]:
                tap(*fn[0])  # Shift for one capital
                type_letters(c.lower())
            tap(*fn[1], 0.4)  # the digits page
            digits = keyboard("digits page")[0]
            for c in POSTCODE[2:]:
                tap(*digits["1234567890".index(c)], 0.15)
        elif t == "number":
            rows = keyboard("number pad")  # 1 2 3 ⌫ / 4 5 6 − / 7 8 9 + / 0
            check("household: the number pad has four rows", [len(r) for r in rows] == [4, 4, 4, 1],
                  str([len(r) for r in rows]))
            tap(*rows[0][1])  # 2
            tap(*rows[2][3])  # + makes it 3
        shot(q["id"])
        primary()
    shot("review")
    primary()  # Send my answers
    time.sleep(2)
    shot("thanks")
    primary()  # Finish
    shot("welcome-again")

    # Staff: three taps on the hidden corner under the demo banner.
    s = Screen()
    y = 0
    while y < 200 and s.px(20, y) != BANNER:
        y += 1
    while y < 200 and s.px(20, y) == BANNER:
        y += 1
    for _ in range(3):
        tap(32, y + 32, 0.2)
    time.sleep(SETTLE)
    shot("staff-pin")
    rows = keyboard("PIN pad")  # 1 2 3 / 4 5 6 / 7 8 9 / ⌫ 0 OK
    check("the PIN pad has four rows of three", [len(r) for r in rows] == [3, 3, 3, 3], str([len(r) for r in rows]))
    grid = "123456789"
    for c in DEMO_PIN:
        if c == "0":
            tap(*rows[3][1], 0.15)
        else:
            i = grid.index(c)
            tap(*rows[i // 3][i % 3], 0.15)
    shot("staff-pin-typed")
    tap(*rows[3][2], 2)  # OK
    shot("staff-home")


def opened(sealed):
    """The answers of a sealed response, opened with the demo analyst key."""
    key = os.path.join(ROOT, "assets/demo/analyst-identity.txt")
    p = subprocess.run(["age", "-d", "-i", key], input=sealed, capture_output=True)
    return p.stdout.decode("utf-8", "replace") if p.returncode == 0 else ""


def main():
    out = os.path.join(ROOT, "taps-shots")
    os.makedirs(out, exist_ok=True)
    # A display of our own, so a run beside e2e.py (on :99) does not clash.
    n = 77
    while os.path.exists(f"/tmp/.X{n}-lock"):
        n += 1
    os.environ["DISPLAY"] = f":{n}"
    xvfb = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", f"{W}x{H}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if subprocess.run(["xdpyinfo"], capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    wm = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    home = tempfile.mkdtemp(prefix="chorus-taps-")
    data = os.path.join(home, "data")
    env = dict(os.environ, HOME=home, LANG="en_GB.UTF-8")
    app = subprocess.Popen([os.path.join(ROOT, "bin/chorus"), "--demo", "--kiosk", "--data", data], env=env,
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(home, "app.log"), "w"))
    try:
        walk.sh("xdotool", "search", "--sync", "--name", "^Chorus$")
        time.sleep(2)
        try:
            run(data)
        except (RuntimeError, IndexError, StopIteration) as e:
            shot("stopped")
            check("the path completes by taps", False, str(e))

        con = sqlite3.connect(f"file:{os.path.join(data, 'chorus.db')}?mode=ro", uri=True)
        rows = con.execute("SELECT sealed FROM responses").fetchall()
        logins = con.execute("SELECT action FROM audit WHERE action LIKE 'login%'").fetchall()
        con.close()
        check("exactly one response saved", len(rows) == 1, f"{len(rows)} responses")
        answers = opened(bytes(rows[0][0])) if rows else ""
        check("the response is sealed (the typed word is not in it in clear)",
              rows and WORD.encode() not in bytes(rows[0][0]) and answers != "")
        check(f"the word typed on the keys ({WORD}) is the free-text answer", f'"{WORD}"' in answers)
        check(f"the postcode typed with Shift and the digits page is {POSTCODE}", f'"{POSTCODE}"' in answers)
        check("the number typed on the pad (2, then +) is 3", '"household":{"number":3}' in answers.replace(" ", ""),
              answers[-200:])
        check("the staff PIN typed on the pad signs in", [a for (a,) in logins] == ["login"], str(logins))
        leaked = [p for p in walk_files(home) if WORD.encode() in open(p, "rb").read()]
        check("the typed word is in no file", not leaked, str(leaked))
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
        wm.terminate()
        xvfb.terminate()
        xvfb.wait(10)
    failed = sum(1 for _, ok in results if not ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def walk_files(top):
    for d, _, names in os.walk(top):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p):
                yield p


if __name__ == "__main__":
    main()
