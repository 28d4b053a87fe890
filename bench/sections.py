"""bench/RESULTS.md is made of sections, one per script, each starting with a line ``# Title``;
a script replaces its own section and keeps the others as they are."""

from __future__ import annotations

from pathlib import Path


def replace_section(out: Path, heading: str, section: str) -> None:
    """Put ``section`` (which starts with ``heading``, a ``# ...`` line) in ``out`` in place of
    the section of that heading, or at the end when there is none."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    parts: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("# ") or not parts:
            parts.append([])
        parts[-1].append(line)
    blocks = ["\n".join(p).strip("\n") for p in parts if "".join(p).strip()]
    new = section.strip("\n")
    for position, block in enumerate(blocks):
        if block.splitlines()[0] == heading:
            blocks[position] = new
            break
    else:
        blocks.append(new)
    out.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
