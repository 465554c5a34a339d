"""The .xlsx file as bytes: read within its size cap, refused unless it is a safe zip package."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path
from typing import Any

from qaplan.errors import QaplanError

MB = 1024 * 1024
MAX_FILE = 64 * MB  # the .xlsx file as stored
MAX_UNPACKED = 64 * MB  # all its parts unpacked
MAX_PART = 32 * MB  # any one part (a sheet, the shared strings) unpacked
MAX_PARTS = 10_000
MAX_TAGS = 1_000_000  # XML tags in one part (10,000 rows: about 350,000)
_DTD = tuple("<!DOCTYPE".encode(codec) for codec in ("ascii", "utf-16-le", "utf-16-be"))
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_bytes(path: Path, display: str) -> bytes:
    """The file's bytes: a regular file of at most MAX_FILE bytes (a FIFO or a device would
    block or never end)."""
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise QaplanError(f"{display}: no such file") from None
    except OSError as exc:
        raise QaplanError(f"{display}: cannot read ({exc.strerror})") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise QaplanError(f"{display}: is a directory, not an .xlsx file")
        raise QaplanError(
            f"{display}: not a regular file (a pipe, device or socket); give an .xlsx file"
        )
    with os.fdopen(descriptor, "rb") as handle:
        try:
            raw = handle.read(MAX_FILE + 1)
        except OSError as exc:
            raise QaplanError(f"{display}: cannot read ({exc.strerror})") from None
    if len(raw) > MAX_FILE:
        raise QaplanError(
            f"{display}: the file is larger than {MAX_FILE // MB} MB, the most a workbook may "
            "be; refused (a plan table is well under 1 MB)"
        )
    return raw


def check_package(raw: bytes, display: str) -> None:
    """Refuse what is not an .xlsx package, saying what it is and what to do."""
    if raw.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise QaplanError(
                f"{display}: the workbook is password-protected (encrypted); remove the password "
                "(File > Info > Protect Workbook in Excel) and save it again"
            )
        raise QaplanError(
            f"{display}: this is an old Excel 97–2003 (.xls) file; save it as .xlsx and try again"
        )
    if not raw:
        raise QaplanError(f"{display}: the file is empty, not an .xlsx workbook")
    if not raw.startswith(b"PK"):
        kind = "a text file (CSV?)" if _looks_like_text(raw) else "not a zip package"
        raise QaplanError(f"{display}: not an Excel workbook (.xlsx): it is {kind}")
    try:
        with zipfile.ZipFile(bytes_io(raw)) as package:
            _check_parts(package.infolist(), display)
            names = set(package.namelist())
            if "xl/workbook.xml" not in names:
                if "mimetype" in names and b"opendocument" in package.read("mimetype"):
                    raise QaplanError(
                        f"{display}: this is an OpenDocument spreadsheet (.ods); save it as .xlsx"
                    )
                raise QaplanError(f"{display}: a zip file, but not an Excel workbook (.xlsx)")
            for info in package.infolist():
                _check_part(package, info, display)
    except zipfile.BadZipFile as exc:
        raise QaplanError(
            f"{display}: the workbook is damaged or truncated ({exc}); save it again from Excel"
        ) from None
    except (EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise QaplanError(f"{display}: the workbook is damaged or truncated ({exc})") from None


def _check_parts(parts: list[zipfile.ZipInfo], display: str) -> None:
    """Refuse encrypted entries and parts that unpack to more than the caps allow.

    zipfile never unpacks more than an entry's stated size (a longer stream fails its
    CRC check), so the stated sizes bound the work.
    """
    if any(info.flag_bits & 0x1 for info in parts):
        raise QaplanError(
            f"{display}: the workbook is password-protected (an encrypted zip, e.g. `zip -e`); "
            "save it again from Excel or LibreOffice without a password"
        )
    if len(parts) > MAX_PARTS:
        raise QaplanError(
            f"{display}: the package has {len(parts):,} parts, more than {MAX_PARTS:,}; refused"
        )
    for info in parts:
        if info.file_size > MAX_PART:
            raise QaplanError(
                f"{display}: part {info.filename} unpacks to {info.file_size / MB:,.0f} MB, more "
                f"than the {MAX_PART // MB} MB one part may hold; refused"
            )
    total = sum(info.file_size for info in parts)
    if total > MAX_UNPACKED:
        raise QaplanError(
            f"{display}: the workbook unpacks to {total / MB:,.0f} MB, more than the "
            f"{MAX_UNPACKED // MB} MB allowed; refused"
        )


def _check_part(package: zipfile.ZipFile, info: zipfile.ZipInfo, display: str) -> None:
    """Unpack one part (its checksum is verified) and refuse XML with more tags than a table
    needs: the XML parsers keep what they read, so elements cost memory, not just bytes."""
    try:
        data = package.read(info)
    except zipfile.BadZipFile:
        raise QaplanError(
            f"{display}: the workbook is damaged (part {info.filename} is corrupt)"
        ) from None
    if any(marker in data for marker in _DTD):
        raise QaplanError(
            f"{display}: part {info.filename} declares a DTD (<!DOCTYPE>), which no workbook "
            "needs (it is how XML entity bombs start); refused"
        )
    if data.count(b"<") > MAX_TAGS:
        raise QaplanError(
            f"{display}: part {info.filename} holds more than {MAX_TAGS:,} XML tags, the most "
            "a part may hold (10,000 table rows need about 350,000); refused"
        )


def bytes_io(raw: bytes) -> Any:
    import io

    return io.BytesIO(raw)


def _looks_like_text(raw: bytes) -> bool:
    try:
        raw[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
