"""A one-line progress bar on stderr, shown only on a terminal (a log file or a CI run gets
no carriage-return noise)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from verify.core.printable import printable

WIDTH = 24


class Progress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.enabled:
            return
        if done >= total:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            return
        filled = WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (WIDTH - filled)
        elapsed = time.monotonic() - self.started
        self.stream.write(f"\r[{bar}] {done}/{total} {elapsed:4.0f}s {printable(name)[:40]}\x1b[K")
        self.stream.flush()
