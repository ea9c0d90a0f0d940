#!/usr/bin/env python3
"""End-to-end test of the real Chorus binary in a real X session (make e2e).

1. Starts Xvfb and the openbox window manager, then `chorus --demo --kiosk`
   on a fresh data folder.
2. Completes one participant path with the keyboard only (Tab, Space,
   Enter), saving a screenshot of every screen to e2e-shots/.
3. Checks the data folder holds exactly one response, sealed: the typed
   canary answer is in no file of the folder.
4. Tries to leave the kiosk: Alt+F4, Ctrl+W, Ctrl+Q, Escape, F11 and a
   window-manager close (wmctrl -c); after each, Chorus must still run, full
   screen.
5. Stops Chorus with SIGTERM and checks it exits cleanly.
Prints "N passed, M failed" and exits non-zero on any failure.
"""
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import walk  # noqa: E402

ROOT = walk.ROOT
CANARY = "E2E canary answer 7f3a"
results = []


def check(name, ok, detail=""):
    results.append((name, ok))
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""))


def window_state():
    wid = walk.sh("xdotool", "search", "--name", "^Chorus$", check=False).split()
    if not wid:
        return None, ""
    state = walk.sh("xprop", "-id", wid[0], "_NET_WM_STATE", check=False)
    return wid[0], state


def files_holding(top, text):
    """Every file under top whose bytes contain text."""
    found = []
    for d, _, names in os.walk(top):
        for n in names:
            path = os.path.join(d, n)
            try:
                with open(path, "rb") as f:
                    if text.encode() in f.read():
                        found.append(path)
            except OSError:
                pass
    return found


def main():
    out = os.path.join(ROOT, "e2e-shots")
    os.makedirs(out, exist_ok=True)
    procs = walk.start_display()
    wm = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    home = tempfile.mkdtemp(prefix="chorus-e2e-")
    data = os.path.join(home, "data")
    env = dict(os.environ, HOME=home, LANG="en_GB.UTF-8")
    app = subprocess.Popen([os.path.join(ROOT, "bin/chorus"), "--demo", "--kiosk", "--data", data], env=env,
                           stdout=subprocess.DEVNULL, stderr=open(os.path.join(home, "app.log"), "w"))
    try:
        walk.sh("xdotool", "search", "--sync", "--name", "^Chorus$")
        time.sleep(2)
        wid, state = window_state()
        check("kiosk starts full screen", "_NET_WM_STATE_FULLSCREEN" in state, state)
        walk.sh("xdotool", "windowactivate", "--sync", wid, check=False)

        class A:  # the walker's options
            lang, keyboard, text = "en", True, CANARY
        A.out = out
        walk.Walk(A).run()

        db = os.path.join(data, "chorus.db")
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        n, sealed = con.execute("SELECT count(*), coalesce(min(length(sealed)), 0) FROM responses").fetchone()
        modes = con.execute("SELECT group_concat(mode) FROM responses").fetchone()[0]
        con.close()
        check("exactly one response saved", n == 1, f"{n} responses")
        check("the response is sealed and self-completed", sealed > 200 and modes == "self", f"{sealed} bytes, mode {modes}")
        leaked = files_holding(home, CANARY)
        check("the typed answer is in no file (data folder, Fyne's settings, the log)", not leaked, str(leaked))

        for keys in (["alt+F4"], ["ctrl+w"], ["ctrl+q"], ["Escape"], ["F11"], ["wmctrl"]):
            if keys == ["wmctrl"]:
                walk.sh("wmctrl", "-c", "Chorus", check=False)
            else:
                walk.sh("xdotool", "key", "--window", wid, *keys, check=False)
            time.sleep(1.5)
            _, state = window_state()
            alive = app.poll() is None
            check(f"{keys[0]} does not leave the kiosk", alive and "_NET_WM_STATE_FULLSCREEN" in state,
                  f"running={alive} state={state.strip()}")
        walk.sh("import", "-window", "root", os.path.join(out, "after-escape-attempts.png"))
    finally:
        app.terminate()
        try:
            code = app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
            code = "killed"
        check("SIGTERM stops Chorus cleanly (exit 0)", code == 0, f"exit {code}")
        leaked = files_holding(home, CANARY)
        check("after exit the typed answer is in no file and not in the log", not leaked, str(leaked))
        wm.terminate()
        for p in procs:
            p.terminate()
            p.wait(10)
    failed = sum(1 for _, ok in results if not ok)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
