#!/usr/bin/env python3
"""End-to-end test of the real Chorus binary in a real X session (make e2e).

1. Starts Xvfb on a free display and checks the shipped kiosk Openbox
   configuration (kiosk/linux/openbox/rc.xml) on a bare desktop: a right
   click and a middle click on the desktop, Alt+Space and Ctrl+Alt+Right
   open no menu and switch no desktop.
2. Starts the shipped kiosk session, kiosk/linux/chorus-kiosk-session, with
   `chorus --demo --kiosk` on a fresh data folder.
3. Completes one participant path with the keyboard only (Tab, Space,
   Enter), saving a screenshot of every screen to e2e-shots/.
4. Checks the data folder holds exactly one response, sealed: the typed
   canary answer is in no file of the folder.
5. Tries to leave the kiosk: Alt+F4, Ctrl+W, Ctrl+Q, Escape, F11, a window
   manager close (wmctrl -c), Alt+Space, Alt+Tab, right clicks in the
   corners, Ctrl+Alt+Right, `wmctrl -b remove,fullscreen`, `xdotool
   windowminimize` and `xdotool windowunmap`. After each, Chorus must still run, full screen, shown,
   the active window, on desktop 0, with no menu or other window mapped;
   the time until that holds again is printed.
6. Kills Chorus with SIGKILL: the session must start it again, full screen.
7. Stops Chorus with SIGTERM and checks it exits cleanly (status 0), in time.
Prints "N passed, M failed" and exits non-zero on any failure.

E2E_SESSION=bare runs Chorus directly under Openbox's default configuration
(how `make e2e` ran before the kiosk session existed) and CHORUS_BIN picks
another binary: together they show which checks an older build fails.
"""
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import walk  # noqa: E402

ROOT = walk.ROOT
CANARY = "E2E canary answer 7f3a"
KIOSK = os.path.join(ROOT, "kiosk", "linux")
RESTORE_LIMIT = 3.0  # seconds for Chorus to be back in front, full screen
RESTART_LIMIT = 10.0  # seconds for the session to bring Chorus back after a crash
results = []
figures = []


def check(name, ok, detail=""):
    results.append((name, ok))
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""), flush=True)


def figure(text):
    figures.append(text)
    print("     " + text, flush=True)


def prop(wid, name):
    return walk.sh("xprop", "-id", str(wid), name, check=False) if wid else ""


def root_prop(name):
    out = walk.sh("xprop", "-root", name, check=False)
    return out.split("=", 1)[1].strip() if "=" in out else ""


def chorus_window():
    """The Chorus window's id and process id, or (None, None)."""
    for w in walk.sh("xdotool", "search", "--name", "^Chorus$", check=False).split():
        out = prop(w, "_NET_WM_PID")
        if "=" in out:
            return int(w), int(out.split("=")[1])
    return None, None


def active_window():
    out = walk.sh("xprop", "-root", "_NET_ACTIVE_WINDOW", check=False)
    v = out.split("#")[-1].strip().split(",")[0] if "#" in out else ""
    try:
        return int(v, 16)
    except ValueError:
        return 0


def shown_windows():
    """Ids of the root's children that are mapped and viewable: menus are."""
    ids = [l.split()[0] for l in walk.sh("xwininfo", "-root", "-children", check=False).splitlines()
           if l.strip().startswith("0x")]
    return {w for w in ids if "IsViewable" in walk.sh("xwininfo", "-id", w, check=False)}


def frame(wid):
    """The root's child that holds wid: the window manager's frame around it."""
    w = hex(wid)
    root = walk.sh("xwininfo", "-root", check=False).split("Window id: ")[-1].split()[0]
    for _ in range(10):
        out = walk.sh("xwininfo", "-children", "-id", w, check=False)
        parent = out.split("Parent window id: ")[-1].split()[0] if "Parent window id: " in out else root
        if parent == root:
            return w
        w = parent
    return w


def state(wid):
    """What is wrong with the Chorus window, as a list ([] when all is well)."""
    wrong = []
    if "_NET_WM_STATE_FULLSCREEN" not in prop(wid, "_NET_WM_STATE"):
        wrong.append("not full screen")
    if "Iconic" in prop(wid, "WM_STATE") or "_NET_WM_STATE_HIDDEN" in prop(wid, "_NET_WM_STATE"):
        wrong.append("minimised")
    if active_window() != wid:
        wrong.append(f"not the active window ({hex(active_window())})")
    desk = root_prop("_NET_CURRENT_DESKTOP")
    if desk not in ("", "0"):
        wrong.append(f"desktop {desk}")
    return wrong


def settle(wid, limit=RESTORE_LIMIT):
    """Polls until the window is right or limit passes; returns what is wrong."""
    t0 = time.monotonic()
    while True:
        wrong = state(wid)
        if not wrong or time.monotonic() - t0 > limit:
            return wrong
        time.sleep(0.02)


def undo(wid):
    """Puts the window back by hand (for builds that do not) and closes menus."""
    walk.sh("xdotool", "key", "Escape", check=False)
    walk.sh("wmctrl", "-s", "0", check=False)
    walk.sh("xdotool", "windowmap", str(wid), check=False)
    walk.sh("wmctrl", "-i", "-r", str(wid), "-b", "add,fullscreen", check=False)
    walk.sh("xdotool", "windowactivate", str(wid), check=False)
    time.sleep(0.5)


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


def start_xvfb():
    """Xvfb on a display no other run is using (it picks the number)."""
    r, w = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    with os.fdopen(r) as f:
        num = f.readline().strip()
    os.environ["DISPLAY"] = ":" + num
    for _ in range(100):
        if subprocess.run(["xdpyinfo"], capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    return xvfb


def start_openbox(bare):
    """Openbox as chorus-kiosk-session starts it, or with its own defaults."""
    cmd, env = ["openbox"], os.environ
    if not bare:
        cmd += ["--config-file", os.path.join(KIOSK, "openbox", "rc.xml")]
        env = dict(os.environ, XDG_CONFIG_HOME=KIOSK, XDG_CONFIG_DIRS=KIOSK)
    wm = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    return wm


def check_bare_desktop(bare):
    """The kiosk's Openbox on an empty desktop: no menu, no second desktop."""
    wm = start_openbox(bare)
    try:
        base = shown_windows()
        for what, action in (("a right click on the desktop", ["mousemove", "640", "400", "click", "3"]),
                             ("a middle click on the desktop", ["mousemove", "640", "400", "click", "2"]),
                             ("Alt+Space on the desktop", ["key", "alt+space"]),
                             ("Ctrl+Alt+Right on the desktop", ["key", "ctrl+alt+Right"])):
            walk.sh("xdotool", *action, check=False)
            time.sleep(0.7)
            new = shown_windows() - base
            desk = root_prop("_NET_CURRENT_DESKTOP")
            check(f"Openbox: {what} opens no menu and switches no desktop", not new and desk == "0",
                  f"new windows {sorted(new)}, desktop {desk}")
            walk.sh("xdotool", "key", "Escape", check=False)
            walk.sh("wmctrl", "-s", "0", check=False)
        n = root_prop("_NET_NUMBER_OF_DESKTOPS")
        check("Openbox has one desktop", n == "1", f"_NET_NUMBER_OF_DESKTOPS = {n}")
    finally:
        wm.terminate()
        wm.wait(10)


def check_no_display(binary):
    """With no display to open its window on, Chorus says so in a sentence
    and exits 1 (GLFW's panic inside Fyne used to end it)."""
    home = tempfile.mkdtemp(prefix="chorus-e2e-nodisplay-")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=home, LANG="en_GB.UTF-8", DISPLAY=":249")  # no X server there
    r = subprocess.run([binary, "--demo", "--data", os.path.join(home, "data")], env=env,
                       capture_output=True, text=True, timeout=60)
    said = r.stderr.strip().splitlines()
    check("with no display Chorus says it cannot open a window and exits 1, without a panic",
          r.returncode == 1 and "chorus: cannot open a window" in r.stderr and "panic" not in r.stderr
          and "goroutine" not in r.stderr, f"exit {r.returncode}: {' | '.join(said[-5:])}")
    shutil.rmtree(home, ignore_errors=True)


def main():
    out = os.path.join(ROOT, "e2e-shots")
    os.makedirs(out, exist_ok=True)
    bare = os.environ.get("E2E_SESSION") == "bare"
    binary = os.path.abspath(os.environ.get("CHORUS_BIN", os.path.join(ROOT, "bin/chorus")))
    xvfb = start_xvfb()
    print(f"Xvfb on {os.environ['DISPLAY']}; {'bare Openbox' if bare else 'the kiosk session'}; {binary}")
    home = tempfile.mkdtemp(prefix="chorus-e2e-")
    data = os.path.join(home, "data")
    env = dict(os.environ, HOME=home, LANG="en_GB.UTF-8", CHORUS_BIN=binary)
    log = open(os.path.join(home, "app.log"), "w")
    wm = None
    check_bare_desktop(bare)
    check_no_display(binary)
    if bare:
        wm = start_openbox(True)
        session = subprocess.Popen([binary, "--demo", "--kiosk", "--data", data], env=env,
                                   stdout=subprocess.DEVNULL, stderr=log)
    else:
        session = subprocess.Popen([os.path.join(KIOSK, "chorus-kiosk-session"), data, "--demo"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=log)
    pid = None
    try:
        walk.sh("xdotool", "search", "--sync", "--name", "^Chorus$")
        time.sleep(2)
        wid, pid = chorus_window()
        check("kiosk starts full screen", "_NET_WM_STATE_FULLSCREEN" in prop(wid, "_NET_WM_STATE"),
              prop(wid, "_NET_WM_STATE").strip())
        if not bare:
            q = walk.sh("setxkbmap", "-query", check=False)
            check("the session makes Ctrl+Alt+F1-F12 and Ctrl+Alt+Backspace ordinary keys (srvrkeys:none)",
                  "srvrkeys:none" in q, q.strip().replace("\n", "; "))
        walk.sh("xdotool", "windowactivate", "--sync", str(wid), check=False)

        class A:  # the walker's options
            lang, keyboard, text = "en", True, CANARY
        A.out = out
        try:
            walk.Walk(A).run()
            check("the keyboard walk went through every screen", True)
        except walk.Stuck as e:
            check("the keyboard walk went through every screen", False, f"{e} (screenshots in {out})")
            log.flush()
            with open(os.path.join(home, "app.log"), errors="replace") as f:
                print("     the app's log, last lines:\n" + "".join("     | " + l for l in f.readlines()[-15:]))

        db = os.path.join(data, "chorus.db")
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        n, sealed = con.execute("SELECT count(*), coalesce(min(length(sealed)), 0) FROM responses").fetchone()
        modes = con.execute("SELECT group_concat(mode) FROM responses").fetchone()[0]
        con.close()
        check("exactly one response saved", n == 1, f"{n} responses")
        check("the response is sealed and self-completed", sealed > 200 and modes == "self", f"{sealed} bytes, mode {modes}")
        leaked = files_holding(home, CANARY)
        check("the typed answer is in no file (data folder, Fyne's settings, the log)", not leaked, str(leaked))

        # Keys go through XTEST (no --window), as a keyboard's do, so the
        # window manager's own bindings see them too.
        attempts = [
            ("Alt+F4", ["xdotool", "key", "alt+F4"]),
            ("Ctrl+W", ["xdotool", "key", "ctrl+w"]),
            ("Ctrl+Q", ["xdotool", "key", "ctrl+q"]),
            ("Escape", ["xdotool", "key", "Escape"]),
            ("F11", ["xdotool", "key", "F11"]),
            ("wmctrl -c (window manager close)", ["wmctrl", "-c", "Chorus"]),
            ("Alt+Space (window menu)", ["xdotool", "key", "alt+space"]),
            ("Alt+Tab", ["xdotool", "key", "alt+Tab"]),
            ("a right click in the top-left corner", ["xdotool", "mousemove", "0", "0", "click", "3"]),
            ("a right click in the bottom-right corner", ["xdotool", "mousemove", "1279", "799", "click", "3"]),
            ("a middle click", ["xdotool", "mousemove", "640", "400", "click", "2"]),
            ("Ctrl+Alt+Right (next desktop)", ["xdotool", "key", "ctrl+alt+Right"]),
            ("wmctrl -b remove,fullscreen", ["wmctrl", "-r", "Chorus", "-b", "remove,fullscreen"]),
            ("xdotool windowminimize", ["xdotool", "windowminimize", str(wid)]),
            ("xdotool windowunmap (withdraw)", ["xdotool", "windowunmap", str(wid)]),
        ]
        base = shown_windows()
        timed = ("wmctrl -b remove,fullscreen", "xdotool windowminimize", "xdotool windowunmap (withdraw)",
                 "Ctrl+Alt+Right (next desktop)")
        for name, cmd in attempts:
            times, wrong, new, alive = [], [], set(), True
            for _ in range(3 if name in timed else 1):
                t0 = time.monotonic()
                subprocess.run(cmd, capture_output=True)
                seen = False  # the attempt took effect before Chorus undid it
                while not seen and time.monotonic() - t0 < 0.5:
                    seen = bool(state(wid))
                    time.sleep(0.02)
                wrong = settle(wid)
                if seen and not wrong:
                    times.append(time.monotonic() - t0)
                time.sleep(max(0.0, t0 + 0.5 - time.monotonic()))  # menus take a moment to map
                # A withdrawn window comes back in a new frame: that one is Chorus.
                new |= shown_windows() - base - {frame(wid)}
                alive = alive and chorus_window()[1] == pid
                if wrong or new:
                    undo(wid)  # so the next attempt starts from a kiosk
            check(f"{name} does not leave the kiosk (still running, full screen, shown, in front, desktop 0, no menu)",
                  alive and not wrong and not new,
                  f"running={alive} wrong={wrong} new windows={sorted(new)}")
            if name in timed and times:
                figure(f"{name}: back full screen and in front {statistics.median(times):.2f} s after it "
                       f"(median of {len(times)}, at most {max(times):.2f} s)")
        walk.sh("import", "-window", "root", os.path.join(out, "after-escape-attempts.png"), check=False)

        if not bare:
            os.kill(pid, signal.SIGKILL)
            t0 = time.monotonic()
            back = None
            while time.monotonic() - t0 < RESTART_LIMIT:
                w2, p2 = chorus_window()
                if p2 and p2 != pid and "_NET_WM_STATE_FULLSCREEN" in prop(w2, "_NET_WM_STATE"):
                    back = time.monotonic() - t0
                    wid, pid = w2, p2
                    break
                time.sleep(0.05)
            check(f"after kill -9 the session starts Chorus again, full screen, within {RESTART_LIMIT:.0f} s",
                  back is not None, "no new Chorus window")
            if back is not None:
                figure(f"kill -9: a new Chorus window, full screen, after {back:.2f} s")
                wrong = settle(wid, limit=5)
                check("the restarted Chorus is in front", not wrong, str(wrong))
    finally:
        # SIGTERM, as at shutdown: Chorus must close its data folder and exit 0.
        code = None
        if pid is None:
            pid = chorus_window()[1]
        if pid:
            t0 = time.monotonic()
            os.kill(pid, signal.SIGTERM)
            if bare:
                try:
                    code = session.wait(10)
                except subprocess.TimeoutExpired:
                    pass
            else:
                while time.monotonic() - t0 < 10 and os.path.exists(f"/proc/{pid}"):
                    time.sleep(0.05)
                try:
                    session.wait(5)
                except subprocess.TimeoutExpired:
                    pass
                log.flush()
                with open(os.path.join(home, "app.log"), errors="replace") as f:
                    text = f.read()
                if os.path.exists(f"/proc/{pid}"):
                    code = None
                elif "Chorus ended with status 0" in text:
                    code = 0
                else:
                    code = "nonzero"
            took = time.monotonic() - t0
            if code is None and os.path.exists(f"/proc/{pid}"):
                # Go prints every goroutine's stack on SIGQUIT: keep it to
                # see where Chorus hung.
                os.kill(pid, signal.SIGQUIT)
                time.sleep(2)
                shutil.copy(os.path.join(home, "app.log"), os.path.join(out, "sigterm-hang.log"))
                print("Chorus did not stop: its goroutines are in e2e-shots/sigterm-hang.log")
                code = "killed"
            check("SIGTERM stops Chorus cleanly (exit 0) within 10 s", code == 0, f"exit {code}")
            if code == 0:
                figure(f"SIGTERM: Chorus gone after {took:.2f} s")
        for p in (session, wm):
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        if pid and os.path.exists(f"/proc/{pid}"):
            os.kill(pid, signal.SIGKILL)
        log.close()
        with open(os.path.join(home, "app.log"), errors="replace") as f:
            text = f.read()
        if "did not close in time" in text:
            figure("SIGTERM: Fyne did not stop by itself; Chorus's quit watchdog closed the data folder and exited")
        leaked = files_holding(home, CANARY)
        check("after exit the typed answer is in no file and not in the log", not leaked, str(leaked))
        xvfb.terminate()
        xvfb.wait(10)
    failed = sum(1 for _, ok in results if not ok)
    if figures:
        print("figures:\n" + "\n".join("  " + f for f in figures))
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
