"""Decoding of page bytes: byte-order marks, UTF-8, GB18030 (the superset of GBK and
GB2312 that Chinese sources use), then Windows-1252 and last statistical detection by
charset-normalizer, both reported on the record as fallbacks. Bytes that are not text at
all are refused with a reason.

UTF-8 is the default, and a legacy codec needs evidence: a page whose non-ASCII bytes are
almost all valid UTF-8 is UTF-8 with a few damaged bytes, and decoding the whole page as
GB18030 or Windows-1252 to save those bytes would garble every other accented or Chinese
character ("Müller" read as "M眉ller"). Such a page stays UTF-8, the bad bytes become
U+FFFD and the record says how many. A stray NUL byte is dropped the same way; a page
with many NUL bytes is binary data."""
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
#: share of NUL bytes up to which they are stray bytes dropped from a text page
MAX_NUL_SHARE = 0.01
#: share of invalid UTF-8 bytes among the non-ASCII ones up to which a page is UTF-8
#: with damaged bytes, whatever a legacy codec would make of it
MAX_INVALID_UTF8_SHARE = 0.01
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    #: U+FFFD characters the decoding itself put in for bad bytes
    replaced: int = 0


@dataclass(frozen=True)
class Utf8Census:
    """How well the bytes read as UTF-8: bytes that fit no UTF-8 sequence, and the
    non-ASCII characters that valid multi-byte sequences make."""

    invalid_bytes: int
    valid_multibyte: int

    @property
    def invalid_share(self) -> float:
        total = self.invalid_bytes + self.valid_multibyte
        return self.invalid_bytes / total if total else 0.0


def decode_bytes(data: bytes) -> Union[Decoded, tuple[RejectReason, str]]:
    """Decode page bytes, or say why they cannot be a page."""
    if not data.strip():
        return RejectReason.EMPTY, "no content" if not data else "only white space"
    decoded = _by_bom(data)
    nul_warnings: list[str] = []
    if decoded is None:
        nuls = data.count(b"\x00")
        if nuls > len(data) * MAX_NUL_SHARE:
            return RejectReason.BINARY, f"contains {nuls} NUL bytes"
        if nuls:
            data = data.replace(b"\x00", b"")
            nul_warnings.append(f"nul_bytes_removed:{nuls}")
        decoded = _without_bom(data)
        if decoded is None:
            if nuls:
                return RejectReason.BINARY, f"contains {nuls} NUL bytes and no text encoding fits the rest"
            return RejectReason.UNDECODABLE, "no text encoding fits the bytes"
        decoded.warnings[:0] = nul_warnings
    share = control_share(decoded.text, decoded.replaced)
    if share > MAX_CONTROL_SHARE:
        return RejectReason.BINARY, f"{share:.0%} control characters after decoding as {decoded.encoding}"
    if not decoded.text.strip():
        return RejectReason.EMPTY, "only white space"
    return decoded


def _without_bom(data: bytes) -> Decoded | None:
    """Choose the encoding of bytes without a byte-order mark: UTF-8 unless the bytes
    are mostly not UTF-8 and a legacy codec reads them cleanly."""
    census = utf8_census(data)
    if census.invalid_bytes == 0:
        return Decoded(data.decode("utf-8"), "utf-8")
    if census.invalid_share <= MAX_INVALID_UTF8_SHARE:
        return utf8_replacing(data)
    decoded = _plausible_chinese(_strict(data, "gb18030"))
    if decoded is not None:
        return decoded
    if census.valid_multibyte == 0:
        # valid UTF-8 sequences read as Windows-1252 become mojibake ("Ã¼"), so this
        # codec is only evidence when there are none
        decoded = _strict(data, "cp1252")
        if decoded is not None:
            decoded.warnings.append("encoding: not UTF-8 or GB18030, decoded as cp1252 (Western fallback)")
            return decoded
    if census.valid_multibyte >= census.invalid_bytes:
        return utf8_replacing(data)
    best = from_bytes(data).best()
    if best is None:
        return None
    return Decoded(str(best), best.encoding, [f"encoding: not UTF-8 or GB18030, decoded as {best.encoding} by detection"])


def utf8_census(data: bytes) -> Utf8Census:
    """Count invalid bytes and valid multi-byte characters in one pass of the decoder."""
    text = data.decode("utf-8", "surrogateescape")
    invalid = len(_ESCAPED_BYTE.findall(text))
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return Utf8Census(invalid_bytes=invalid, valid_multibyte=non_ascii - invalid)


def utf8_replacing(data: bytes) -> Decoded:
    """UTF-8 with each byte that fits no sequence replaced by U+FFFD (one per byte, so
    the count in the warning is the count of damaged bytes)."""
    text, replaced = _ESCAPED_BYTE.subn("\ufffd", data.decode("utf-8", "surrogateescape"))
    return Decoded(text, "utf-8", [f"invalid_utf8_bytes:{replaced}"], replaced=replaced)


def replace_lone_surrogates(text: str) -> tuple[str, int]:
    """Lone UTF-16 surrogates ("\\ud83d" in JSON) cannot be written as UTF-8; each
    becomes U+FFFD so that the text can be kept and serialized."""
    return _LONE_SURROGATE.subn("\ufffd", text)


def control_share(text: str, replaced: int = 0) -> float:
    """Share of control characters and U+FFFD in the first 20,000 characters; the
    ``replaced`` U+FFFD the decoding reported for damaged bytes do not count."""
    if not text:
        return 0.0
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    controls += max(0, sample.count("\ufffd") - replaced)
    return controls / len(sample)


def _by_bom(data: bytes) -> Decoded | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                if encoding != "utf-8-sig":
                    return None
                # the mark says UTF-8: damaged bytes are replaced, not a reason to guess
                decoded = utf8_replacing(data[len(bom):])
                decoded.encoding = encoding
                return decoded
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
