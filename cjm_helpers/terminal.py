"""Text bound for a terminal: user text can hold escape codes, so none reaches the screen raw.

A project's names and notes may contain ESC, BEL, carriage returns, C1 controls or
bidirectional overrides; printed as they are, they clear the screen, rewrite earlier
lines, set the window title or reorder what a reader sees. Each becomes a visible
``\\x1b``-style escape instead; line breaks inside a value become spaces.
"""

from __future__ import annotations

__all__ = ["terminal_line", "terminal_text"]

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile("[\t\n\r\u2028\u2029\x85]+")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_line(text: str) -> str:
    """One line of user text safe to print: breaks become a space, controls a visible escape."""
    return _CONTROL.sub(_visible, _BREAKS.sub(" ", str(text)))


def terminal_text(text: str) -> str:
    """Several lines safe to print: the line breaks stay, every control character is made visible."""
    return "\n".join(terminal_line(line) for line in str(text).split("\n"))
