"""Text files as they come from the wild: mixed encodings line by line, physical line counts.

A UTF-8 export with one Windows-1252 byte (a name pasted from an old spreadsheet) must not
turn every other row into mojibake: lines are decoded UTF-8 first and only the lines that
are not valid UTF-8 fall back to Windows-1252 (or Latin-1 where 1252 leaves bytes undefined).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

_CHUNK = 1 << 22
LINES_NAMED = 5


@dataclass
class LineDecoding:
    """What decoding line by line found: lines that needed the fallback, and UTF-8 lines with non-ASCII."""

    fallback: str
    fallback_lines: list[int] = field(default_factory=list)  # 1-based physical line numbers
    utf8_non_ascii_lines: int = 0

    @property
    def mixed(self) -> bool:
        """True when the file holds both real UTF-8 text and lines in ``fallback``."""
        return bool(self.fallback_lines) and self.utf8_non_ascii_lines > 0

    def note(self) -> str:
        named = ", ".join(str(n) for n in self.fallback_lines[:LINES_NAMED])
        more = (
            f" and {len(self.fallback_lines) - LINES_NAMED:,} more"
            if len(self.fallback_lines) > LINES_NAMED
            else ""
        )
        return (
            f"mixed encodings: {len(self.fallback_lines):,} line(s) were not valid UTF-8 and were read as "
            f"{'Windows-1252' if self.fallback == 'cp1252' else 'Latin-1'} (lines {named}{more}); "
            "the rest of the file is UTF-8"
        )


def _decode_line(line: bytes, fallback: str) -> tuple[str, bool]:
    """(text, whether the fallback was needed)."""
    try:
        return line.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    try:
        return line.decode(fallback), True
    except UnicodeDecodeError:
        return line.decode("latin-1"), True


def transcode_by_line(path: Path, target: Path, fallback: str) -> LineDecoding:
    """Write ``path`` to ``target`` as UTF-8, decoding each line UTF-8 first, else ``fallback``.

    Whole chunks that are valid UTF-8 are written at once; only a chunk holding a bad
    byte is decoded line by line, so a file with a few bad lines stays fast.
    """
    found = LineDecoding(fallback)
    line_number = 0
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as sink:
        pending = b""
        while True:
            chunk = source.read(_CHUNK)
            data = pending + chunk
            if chunk:
                cut = data.rfind(b"\n") + 1
                data, pending = data[:cut], data[cut:]
                if not data:  # one line longer than the chunk: keep reading
                    continue
            elif not data:
                break
            try:
                text = data.decode("utf-8")
                if not text.isascii():
                    found.utf8_non_ascii_lines += sum(
                        1 for line in text.splitlines() if not line.isascii()
                    )
                sink.write(text)
                line_number += data.count(b"\n")
            except UnicodeDecodeError:
                for line in data.splitlines(keepends=True):
                    line_number += 1
                    text, fell_back = _decode_line(line, fallback)
                    if fell_back:
                        found.fallback_lines.append(line_number)
                    elif not text.isascii():
                        found.utf8_non_ascii_lines += 1
                    sink.write(text)
            if not chunk:
                break
    return found


def count_lines(path: Path) -> int:
    """Physical lines of a UTF-8 file: newlines, plus one for a last line without one."""
    lines, last = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    if lines == 0 and last:
        return 1
    return lines + (1 if last and last != b"\n" else 0)
