"""Drives `tfe-setup demo` in tmux and renders what it shows to PNG files.

Usage: screenshots.py TFE_SETUP_BINARY OUTPUT_DIR
"""
import os
import subprocess
import sys
import time
import uuid

import pyte
from PIL import Image, ImageDraw, ImageFont

SOCKET = "tfe-shots-" + uuid.uuid4().hex[:8]
WIDTH, HEIGHT = 100, 30
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
PALETTE = {
    "default": (220, 220, 220), "black": (30, 30, 30), "red": (240, 95, 95), "green": (120, 210, 120),
    "yellow": (230, 200, 90), "blue": (110, 150, 240), "magenta": (200, 120, 220), "cyan": (110, 200, 210),
    "white": (235, 235, 235),
}
BACKGROUND = (24, 26, 30)


def tmux(*args, capture=False):
    cmd = ["tmux", "-L", SOCKET, *args]
    if capture:
        return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL).stdout.decode()
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    return ""


def new_session(command):
    """Starts the tmux session; a server just killed on the same socket may still be going away,
    so a failed start is tried again until a deadline."""
    end = time.time() + 10
    while True:
        try:
            tmux("-f", "/dev/null", "new-session", "-d", "-s", "s", "-x", str(WIDTH), "-y", str(HEIGHT), command)
            return
        except subprocess.CalledProcessError:
            if time.time() > end:
                raise
            time.sleep(0.1)


def keys(*names):
    tmux("send-keys", "-t", "s", *names)


def text(value):
    tmux("send-keys", "-t", "s", "-l", value)


def wait_for(needle, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        if needle in tmux("capture-pane", "-p", "-t", "s", capture=True):
            return
        time.sleep(0.05)
    raise SystemExit(f"screenshots: timed out waiting for {needle!r}:\n" + tmux("capture-pane", "-p", "-t", "s", capture=True))


def wait_gone(needle, timeout=20.0):
    """Polls until the text is no longer on the screen (a key's effect shown before the next key:
    an Esc followed at once by a letter reads as Alt+letter)."""
    end = time.time() + timeout
    while time.time() < end:
        if needle not in tmux("capture-pane", "-p", "-t", "s", capture=True):
            return
        time.sleep(0.05)
    raise SystemExit(f"screenshots: timed out waiting for {needle!r} to go")


def color(value, fallback):
    if value == "default":
        return fallback
    if value in PALETTE:
        return PALETTE[value]
    if isinstance(value, str) and len(value) == 6:
        return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))
    return fallback


def render(name, out_dir, width=WIDTH, height=HEIGHT):
    """Captures the pane with its attributes and draws it cell by cell."""
    ansi = tmux("capture-pane", "-p", "-e", "-N", "-t", "s", capture=True)
    screen = pyte.Screen(width, height)
    stream = pyte.Stream(screen)
    # One screen row per captured line; a trailing newline would scroll the first row away.
    stream.feed("\r\n".join(ansi.split("\n")[:height]))
    font = ImageFont.truetype(FONT, 16)
    bold = ImageFont.truetype(FONT_BOLD, 16)
    cell_w = int(font.getlength("M"))
    cell_h = 22
    pad = 14
    image = Image.new("RGB", (width * cell_w + 2 * pad, height * cell_h + 2 * pad), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        row = screen.buffer[y]
        for x in range(width):
            ch = row[x]
            fg = color(ch.fg, PALETTE["default"])
            bg = color(ch.bg, BACKGROUND)
            if ch.reverse:
                fg, bg = (bg if bg != BACKGROUND else BACKGROUND), (fg if ch.fg != "default" else PALETTE["default"])
            left, top = pad + x * cell_w, pad + y * cell_h
            if bg != BACKGROUND:
                draw.rectangle([left, top, left + cell_w, top + cell_h], fill=bg)
            if ch.data.strip():
                draw.text((left, top + 2), ch.data, font=bold if ch.bold else font, fill=fg)
    path = os.path.join(out_dir, name + ".png")
    image.save(path)
    print("wrote", path)


def main():
    binary, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    home = "/tmp/" + SOCKET
    os.makedirs(home, exist_ok=True)
    command = f"cd {home} && HOME={home} LANG=C.UTF-8 TERM=xterm-256color {binary} demo; sleep 60"
    new_session(command)
    try:
        wait_for("› Enabled:")
        wait_for("Sender:")  # the relay's fields, dimmed while it is off
        render("21-smtp-off", out_dir)
        keys("Space", "Tab"); text("smtp.example.com")
        keys("Tab", "C-u"); text("587")
        keys("Tab"); text("noreply@example.com")
        keys("Tab", "Right", "Right", "Tab"); text("smtp-bot")
        keys("Tab"); text("not-a-real-password")
        keys("Tab"); text("ops@example.com")
        wait_for("ops@example.com")
        render("1-smtp", out_dir)
        keys("BTab", "BTab", "BTab", "BTab", "BTab")  # back to Port
        keys("C-u"); text("0"); keys("Tab")
        wait_for("Port must be")
        render("4-validation-error", out_dir)
        keys("BTab", "C-u"); text("587")
        keys("Tab", "Tab", "Tab", "Tab", "Tab", "Enter")
        wait_for("› Mode:")
        # a on Mode picks agent; on the pool, Space opens the list and / filters by any part.
        text("a"); keys("Tab", "Space"); text("/gp")
        wait_for("Filter: gp")
        render("2-pool-list", out_dir)
        keys("Escape")
        wait_gone("Filter: gp")
        text("p")
        wait_for("primary (apool-abc123")
        render("2-execution-defaults", out_dir)
        keys("Enter")
        wait_for("› Enforce max TTL:")
        keys("Space", "Tab", "C-u"); text("1y")
        keys("Tab", "C-u"); text("90d")
        keys("Tab", "C-u"); text("30d")
        keys("Tab", "C-u"); text("2y")
        wait_for("new 730 days")
        render("3-token-ttls", out_dir)
        keys("Enter")
        wait_for("Apply sends 4 requests with y")
        render("5-review", out_dir)
        keys("F1")
        wait_for("Help: Review")
        render("22-help-review", out_dir)
        keys("x")
        # The documented minimum: the header keeps server and organization; PgDn pages.
        tmux("resize-window", "-t", "s", "-x", "60", "-y", "16")
        wait_for("These changes will be applied on")
        render("23-review-60x16", out_dir, 60, 16)
        tmux("resize-window", "-t", "s", "-x", str(WIDTH), "-y", str(HEIGHT))
        wait_for("Apply sends 4 requests with y")
        # The seed's 30-day user cap rejects the demo's 2-year token: Enter is refused; t makes a
        # new token within the cap and applies with it (y would apply anyway).
        keys("Enter")
        wait_for("Not applied: t new token")
        for _ in range(40):
            keys("Down")
        wait_for("To apply anyway")
        render("20-token-lockout", out_dir)
        keys("t")
        wait_for("All changes applied.")
        wait_for("New token:")
        render("6-result", out_dir)
        tmux("resize-window", "-t", "s", "-x", "50", "-y", "12")
        wait_for("Terminal too small")
        render("7-too-small", out_dir, 50, 12)
        tmux("kill-server")
        # A failure and its fix: a relay host ending in .invalid makes the demo's relay time out.
        new_session(command)
        wait_for("› Enabled:")
        keys("Space", "Tab"); text("smtp.example.invalid")
        keys("Tab"); text("587")
        keys("Tab"); text("noreply@example.com")
        keys("Tab", "Tab"); text("ops@example.com")
        keys("Enter")
        wait_for("› Mode:")
        keys("Enter")
        wait_for("› Enforce max TTL:")
        keys("Tab", "Tab", "Tab", "Tab", "Enter")
        wait_for("Apply sends 1 request")
        keys("Enter")
        wait_for("e edit the field")
        render("8-failure", out_dir)
        keys("e")
        wait_for("did not answer in time")
        render("9-fix-with-e", out_dir)
        tmux("kill-server")
        # Many organizations: 200 generated ones, one baseline, paced at the sandbox's 30 requests/s.
        fleet = f"cd {home} && HOME={home} LANG=C.UTF-8 TERM=xterm-256color {binary} demo --organizations 200; sleep 60"
        new_session(fleet)
        wait_for("Choose the organizations")
        keys("/"); text("fleet-"); keys("Enter", "a")
        wait_for("Marked 200 organizations")
        keys("Down", "Down", "Down")
        render("10-organizations", out_dir)
        keys("Enter")
        wait_for("One baseline for 200 organizations")
        wait_for("› Enabled:")  # the one site-wide SMTP screen: left as it is
        keys("Enter")
        wait_for("› Mode:")
        keys("Right", "Right", "Right", "Tab"); text("primary"); keys("Enter")
        wait_for("› Enforce max TTL:")
        keys("Space", "Tab", "Tab"); text("90d"); keys("Tab"); text("30d")
        wait_for("new 30d")
        render("11-fleet-baseline", out_dir)
        keys("Enter", "Enter")
        wait_for("to change,", timeout=90)
        render("12-fleet-review", out_dir)
        keys("Enter")
        wait_for("requests/s · about", timeout=30)
        render("13-fleet-progress", out_dir)
        wait_for(" changed, ", timeout=90)
        render("14-fleet-result", out_dir)
        keys("Enter")
        wait_for("Save these answers to")
        render("24-fleet-save", out_dir)

        # A first install: a server just installed (no users, no organization, no token).
        tmux("kill-server")
        new_session(f"cd {home} && HOME={home} LANG=C.UTF-8 TERM=xterm-256color {binary} demo --profile fresh; sleep 60")
        wait_for("Last answer: 502")
        render("15-first-install-wait", out_dir)
        wait_for("› Username:")
        text("admin"); keys("Tab"); text("admin@example.com"); keys("Tab")
        text("not-a-real-pw1"); keys("Tab"); text("not-a-real-p")
        wait_for("The two passwords differ")
        render("16-first-admin", out_dir)
        text("w1"); keys("Enter")
        wait_for("Review: create the first admin")
        render("17-first-admin-review", out_dir)
        keys("Enter")
        wait_for("Create the first organization")
        text("my-org")
        render("18-first-organization", out_dir)
        keys("Enter", "Enter")
        wait_for("› Enabled:")
        render("19-first-install-settings", out_dir)
    finally:
        tmux("kill-server")


if __name__ == "__main__":
    main()
