"""Reading files a person names, and refusing writes over them: bounded, regular files only.

Every file a user names on the command line or in a project (project, params and
column-mapping files, wide CSV sheets) is read here: only a regular file is opened
(never a folder, a device such as ``/dev/zero`` or a pipe that would hang), and the
byte limit is applied while reading, so a file that grows cannot slip past it.
Outputs are checked against the command's inputs so no command writes over them.
"""

from __future__ import annotations

__all__ = [
    "MAX_COLUMNS_BYTES",
    "MAX_LINE_CHARS",
    "MAX_PARAMS_BYTES",
    "MAX_TABLE_BYTES",
    "MAX_TABLE_COLUMNS",
    "MAX_TABLE_LINES",
    "MAX_XLSX_UNCOMPRESSED",
    "PROJECT_SUFFIX",
    "READ_CHUNK",
    "SAVE_FAILED",
    "WRITE_FAILED",
    "NotUtf8",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_table_file",
    "csv_cells",
    "decode_utf8",
    "project_inputs",
    "read_bytes_bounded",
    "read_text_bounded",
    "refuse_overwrite",
    "write_bytes",
]

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import CJMError, SaveFailed
from .i18n import t

READ_CHUNK = 1 << 20

MAX_PARAMS_BYTES = 1 << 20
"""A params file is a few lines; 1 MiB is far more than any needs."""

MAX_COLUMNS_BYTES = 1 << 20
"""A column mapping is a few lines; 1 MiB is far more than any needs."""

PROJECT_SUFFIX = ".cjm.yaml"


def _size(limit: int) -> str:
    if limit % (1 << 20) == 0:
        return f"{limit >> 20} MiB"
    if limit % 1_000_000 == 0:
        return f"{limit // 1_000_000} MB"
    if limit >= 1 << 20:
        return f"{limit / (1 << 20):,.1f} MiB"
    return f"{limit:,} bytes"


def read_bytes_bounded(
    path: str | os.PathLike[str],
    limit: int,
    what: str,
    error: type[CJMError] = CJMError,
    lang: str = "en",
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``error`` with a clear message otherwise.

    ``what`` names the kind of file in the message (a key of ``files.what``: project, params,
    columns, sheet, data). The file is opened without blocking and checked with ``fstat``
    before a byte is read, so a pipe or a device is refused at once.
    """
    shown = str(path)
    kind = t(f"files.what.{what}", lang)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(t(f"files.missing.{what}", lang, path=shown)) from None
    except ValueError:  # a NUL character in the path
        raise error(t("files.nul", lang, path=repr(shown))) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a symlink that leads back to itself
            raise error(t("files.loop", lang, path=shown)) from None
        raise error(t("files.unreadable", lang, path=shown, reason=exc.strerror or exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(t("files.folder", lang, path=shown, what=kind))
        if not stat.S_ISREG(info.st_mode):
            raise error(t("files.special", lang, path=shown, what=kind))
        if info.st_size > limit:
            raise error(t("files.too_big", lang, path=shown, what=kind, limit=_size(limit)))
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(READ_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # the file grew while it was read
                raise error(t("files.too_big", lang, path=shown, what=kind, limit=_size(limit)))
        return b"".join(chunks)
    except OSError as exc:
        raise error(t("files.unreadable", lang, path=shown, reason=exc.strerror or exc)) from None
    finally:
        os.close(fd)


class NotUtf8(ValueError):
    """Bytes that are not UTF-8 text; ``line`` (1-based) holds the first byte that is not."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def decode_utf8(raw: bytes) -> str:
    """UTF-8 text with a leading byte-order mark dropped; :class:`NotUtf8` names the bad line."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(raw[: exc.start].count(b"\n") + 1) from None


def read_text_bounded(
    path: str | os.PathLike[str],
    limit: int,
    what: str,
    error: type[CJMError] = CJMError,
    lang: str = "en",
) -> str:
    """A bounded regular file as UTF-8 text (a leading BOM dropped); the line is named when it is not UTF-8."""
    try:
        return decode_utf8(read_bytes_bounded(path, limit, what, error, lang))
    except NotUtf8 as exc:
        raise error(t("files.not_utf8", lang, path=str(path), line=exc.line)) from None


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def refuse_overwrite(
    outputs: Iterable[str | os.PathLike[str]],
    inputs: Iterable[str | os.PathLike[str] | None],
    lang: str = "en",
    projects: bool = True,
) -> None:
    """Refuse (before anything is written) an output that is one of the inputs or a project file.

    Compared by the file itself (``samefile``), so a symlink or a hard link to an input is
    caught too; an output that does not exist yet cannot be an input. ``projects=False``
    for the one command whose output is a project (`cjm map-import`).
    """
    sources = [Path(p) for p in inputs if p]
    for out in map(Path, outputs):
        try:
            if not out.exists():
                continue
        except (OSError, ValueError):
            continue
        for source in sources:
            if _same(out, source):
                raise CJMError(t("files.overwrite_input", lang, path=str(out), source=str(source)))
        if projects and (
            out.name.endswith(PROJECT_SUFFIX) or out.resolve().name.endswith(PROJECT_SUFFIX)
        ):
            raise CJMError(t("files.overwrite_project", lang, path=str(out)))


def project_inputs(project_file: str | os.PathLike[str], declared: Iterable[str]) -> list[Path]:
    """A project file and the data files it declares (relative to its folder): what it reads."""
    path = Path(project_file)
    return [path, *(path.parent / name for name in declared if name)]


MAX_LINE_CHARS = 1 << 20
"""A header line of a data file names a few dozen columns; one of a million characters is not a header."""


def csv_cells(
    line: str,
    delimiter: str,
    path: str | os.PathLike[str],
    error: type[CJMError] = CJMError,
    lang: str = "en",
) -> list[str]:
    """The cells of a header line, or a clear error for a line too long, holding NULs, or not CSV."""
    shown = str(path)
    if len(line) > MAX_LINE_CHARS:
        raise error(t("files.csv.long_line", lang, path=shown, limit=f"{MAX_LINE_CHARS:,}"))
    if "\0" in line:
        raise error(t("files.csv.nul", lang, path=shown))
    import csv

    try:
        return next(csv.reader([line], delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        raise error(t("files.csv.unreadable", lang, path=shown, reason=str(exc))) from None


# --- survey and ticket files: checked before pandas reads them ------------------------------------

MAX_TABLE_BYTES = 256 << 20
"""A survey or ticket file; larger ones are split or sampled before they are loaded."""
MAX_TABLE_LINES = 1_000_000
"""Rows of a survey or ticket CSV: memory grows with rows (about 1 KB each once loaded)."""
MAX_TABLE_COLUMNS = 1_000
"""Columns of a survey or ticket CSV; a survey with more is a layout the suite does not read."""
MAX_XLSX_UNCOMPRESSED = 256 << 20
"""What an XLSX workbook may unpack to: a small file can hold a gigabyte of text."""


def check_table_file(
    path: str | os.PathLike[str], lang: str = "en", sep: str = ",", error: type[CJMError] = CJMError
) -> None:
    """Refuse a survey or ticket file whose reading would not be bounded, before pandas opens it.

    A regular file of at most MAX_TABLE_BYTES; an XLSX must be a real workbook unpacking to at
    most MAX_XLSX_UNCOMPRESSED; a CSV's header line is capped, and it may have at most
    MAX_TABLE_COLUMNS columns and MAX_TABLE_LINES lines.
    """
    path = Path(path)
    shown = str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise error(t("files.unreadable", lang, path=shown, reason=exc.strerror or exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise error(t("files.special", lang, path=shown, what=t("files.what.table", lang)))
    if info.st_size > MAX_TABLE_BYTES:
        raise error(
            t(
                "files.too_big",
                lang,
                path=shown,
                what=t("files.what.table", lang),
                limit=_size(MAX_TABLE_BYTES),
            )
        )
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        _check_xlsx(path, lang, error)
    elif suffix not in (".parquet", ".xls"):
        _check_csv_shape(path, lang, sep, error)


def _check_xlsx(path: Path, lang: str, error: type[CJMError]) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            entries = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise error(t("files.table.not_xlsx", lang, path=str(path))) from None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise error(t("files.table.not_xlsx", lang, path=str(path)))
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_XLSX_UNCOMPRESSED:
        raise error(
            t(
                "files.table.xlsx_too_big",
                lang,
                path=str(path),
                size=_size(unpacked),
                limit=_size(MAX_XLSX_UNCOMPRESSED),
            )
        )


def _check_csv_shape(path: Path, lang: str, sep: str, error: type[CJMError]) -> None:
    shown = str(path)
    with open(path, "rb") as handle:
        first = handle.readline(MAX_LINE_CHARS + 1)
        lines = first.count(b"\n")
        for chunk in iter(lambda: handle.read(READ_CHUNK), b""):
            lines += chunk.count(b"\n")
            if lines > MAX_TABLE_LINES:
                raise error(
                    t("files.table.too_many_lines", lang, path=shown, limit=f"{MAX_TABLE_LINES:,}")
                )
    header = first.decode("utf-8-sig", errors="replace")
    if len(header) > MAX_LINE_CHARS:
        raise error(t("files.csv.long_line", lang, path=shown, limit=f"{MAX_LINE_CHARS:,}"))
    columns = len(csv_cells(header, sep, shown, error, lang)) if header.strip() else 0
    if columns > MAX_TABLE_COLUMNS:
        raise error(
            t(
                "files.table.too_many_columns",
                lang,
                path=shown,
                count=f"{columns:,}",
                limit=f"{MAX_TABLE_COLUMNS:,}",
            )
        )


WRITE_FAILED = "errors.store.write_failed"
"""The catalogue key of the message when an export cannot be written."""


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace ``path`` with ``data`` through a temporary file, so it is never half written.

    Lives here, on the ground floor, so writers of tables and figures (the overlay, the
    sample data) need not import the map package to save a file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SaveFailed(t(WRITE_FAILED, path=path, reason=exc.strerror or exc)) from None
    return atomic_write_bytes(path, data, durable=False, failed=WRITE_FAILED)


SAVE_FAILED = "errors.store.save_failed"
"""The catalogue key of the message when a save fails (placeholders ``{path}`` and ``{reason}``)."""


def atomic_write_text(path: Path, text: str, durable: bool = True) -> None:
    """Replace ``path`` with ``text`` so a crash leaves the old or the new file, never a mix.

    ``durable`` also fsyncs the data and the folder, so the new version survives a power cut.
    """
    atomic_write_bytes(path, text.encode("utf-8"), durable)


def atomic_write_bytes(
    path: str | os.PathLike[str], data: bytes, durable: bool = True, failed: str = SAVE_FAILED
) -> Path:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``.

    Every file the suite writes goes through here, so none is ever half written.
    ``failed`` is the catalogue key that words the error (placeholders ``{path}`` and ``{reason}``).
    """
    path = Path(path)
    if path.exists() and not path.is_file():  # renaming over /dev/null or a folder would replace it
        raise SaveFailed(t("errors.store.not_regular", path=path))
    if path.is_symlink():  # write the file the link points to; renaming would replace the link
        path = path.resolve()
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
        tmp_name = None
        if durable:
            _fsync_dir(path.parent)
    except OSError as exc:
        raise SaveFailed(t(failed, path=path, reason=exc.strerror or exc)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
    return path


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
