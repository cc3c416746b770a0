"""Decoding of page bytes: byte-order marks, UTF-8, GB18030 (the superset of GBK and
GB2312 that Chinese sources use), then Windows-1252 and last statistical detection by
charset-normalizer, both reported on the record as fallbacks. Bytes that are not text at all are refused with a reason."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Union

from charset_normalizer import from_bytes

from .schema import RejectReason

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: share of control characters above which decoded "text" is taken for binary data
MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes) -> Union[Decoded, tuple[RejectReason, str]]:
    """Decode page bytes, or say why they cannot be a page."""
    if not data.strip():
        return RejectReason.EMPTY, "no content" if not data else "only white space"
    decoded = _by_bom(data)
    if decoded is None:
        if b"\x00" in data:
            return RejectReason.BINARY, "contains NUL bytes"
        decoded = _strict(data, "utf-8") or _plausible_chinese(_strict(data, "gb18030"))
    if decoded is None:
        decoded = _strict(data, "cp1252")
        if decoded is not None:
            decoded.warnings.append("encoding: not UTF-8 or GB18030, decoded as cp1252 (Western fallback)")
    if decoded is None:
        best = from_bytes(data).best()
        if best is None:
            return RejectReason.UNDECODABLE, "no text encoding fits the bytes"
        decoded = Decoded(str(best), best.encoding,
                          [f"encoding: not UTF-8 or GB18030, decoded as {best.encoding} by detection"])
    share = control_share(decoded.text)
    if share > MAX_CONTROL_SHARE:
        return RejectReason.BINARY, f"{share:.0%} control characters after decoding as {decoded.encoding}"
    if not decoded.text.strip():
        return RejectReason.EMPTY, "only white space"
    return decoded


def control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    controls += sample.count("\ufffd")
    return controls / len(sample)


def _by_bom(data: bytes) -> Decoded | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return Decoded(text.lstrip("\ufeff"), encoding)
    return None


_CJK_INSIDE_WORD = re.compile(r"(?<=[A-Za-z])[\u3400-\u9fff](?=[A-Za-z])")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _plausible_chinese(decoded: Decoded | None) -> Decoded | None:
    """Western bytes (é, ï in Windows-1252) also pass as GB18030, but then give lone
    Chinese characters inside Latin words; real Chinese text has none of those."""
    if decoded is None:
        return None
    cjk = len(_CJK.findall(decoded.text))
    inside = len(_CJK_INSIDE_WORD.findall(decoded.text))
    return None if cjk and inside * 2 > cjk else decoded


def _strict(data: bytes, encoding: str) -> Decoded | None:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError:
        return None
