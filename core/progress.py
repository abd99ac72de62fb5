"""One line of progress on stderr for the long commands (import, export, demo data).

A command that runs for minutes and prints nothing looks hung. ``Progress`` writes
``导入事项：3000/10000（30%）`` to the command's stderr: on a terminal one line rewritten in
place (``\\r``) as the percentage moves, otherwise (a log, CI) a line every ``step`` per cent, so
a log is not flooded. Nothing at ``--verbosity 0``. Stdout keeps the command's own output (the
import's report), which scripts read.

The work reports through a plain callable, ``progress(label, done, total)``, so the code doing
it (``matters.importing``) knows nothing of commands or terminals; a new label starts a new line.
"""

from __future__ import annotations

from typing import Any, TextIO

from django.core.management.base import BaseCommand, OutputWrapper


class Progress:
    """``progress(label, done, total)``: the current phase's line on ``stream``."""

    def __init__(self, stream: TextIO | OutputWrapper, *, verbosity: int = 1, step: int = 10) -> None:
        self.stream = stream
        self.enabled = verbosity > 0
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.step = step
        self.label = ""
        self.shown = -1  # the last percentage written for this label
        self.open = False  # a \r line waits for its newline

    @classmethod
    def for_command(cls, command: BaseCommand, options: dict[str, Any]) -> Progress:
        """The progress of a management command: its stderr, silent with ``-v0``."""
        return cls(command.stderr, verbosity=int(options.get("verbosity", 1)))

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if label != self.label:
            self.finish()
            self.label, self.shown = label, -1
        percent = 100 if total <= 0 else min(100, done * 100 // total)
        if self.tty:
            if percent == self.shown:
                return
            self._write(f"\r{label}：{done}/{total}（{percent}%）")
            self.open = True
        else:
            if self.shown >= 0 and percent < 100 and percent // self.step == self.shown // self.step:
                return
            if percent == self.shown:
                return
            self._write(f"{label}：{done}/{total}（{percent}%）\n")
        self.shown = percent

    def clear(self) -> None:
        """Erase the terminal line before the command prints a line of its own to stdout; the
        next report writes it again."""
        if self.open:
            self._write("\r\033[K")
            self.open = False
            self.shown = -1

    def finish(self) -> None:
        """End the current line (on a terminal); call when the work is done."""
        if self.open:
            self._write("\n")
            self.open = False

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()


def no_progress(label: str, done: int, total: int) -> None:
    """The default: report nowhere."""
