"""Plain-text helpers shared by stages: sentence spans, number words and drug-name endings."""
from __future__ import annotations

import re
from typing import Iterator

#: endings of drug names by their INN stems, for telling two drugs joined by a hyphen or
#: slash ("relatlimab-nivolumab", "gemcitabine/cisplatin") from one name ("CAR-T")
INN_ENDINGS = "mab|nib|lib|rib|sib|cel|ide|tine|dine|bine|platin|taxel|xane|rubicin|mustine|fosfamide|clax|rasib|stat"

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Character spans of sentences: every line, split again after . ! ? before a
    capital (the same rule as the ``line_sentencizer`` component)."""
    offset = 0
    for line in text.split("\n"):
        start = 0
        for match in _SENTENCE_BREAK.finditer(line):
            if line[start:match.start()].strip():
                yield offset + start, offset + match.start()
            start = match.end()
        if line[start:].strip():
            yield offset + start, offset + len(line.rstrip())
        offset += len(line) + 1


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str) -> int:
    """Words of a line, counting each Chinese, Japanese or Korean character as one, since
    those scripts put no spaces between words."""
    if text.isascii():  # no CJK character to count (most lines)
        return len(text.split())
    return len(text.split()) + len(_CJK.findall(text))
