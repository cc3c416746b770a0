"""Counts and durations stated in article text: patient numbers written in digits or
words ("five other patients", "12 patients") and follow-up durations ("10 years",
"up to 17 months of follow-up", "a median follow-up of 487 days")."""
from __future__ import annotations

import re
from typing import Optional

from ..schema import FollowUp

WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100, "hundred": 100, "a dozen": 12,
    "dozen": 12, "a single": 1, "single": 1,
}
_WORDS = "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True))
#: a number in digits ("1,024", "12") or words ("twenty-two", "a dozen")
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|(?:{_WORDS})(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)"
PATIENT_COUNT = re.compile(
    rf"\b(?P<n>{NUMBER})\s+(?:(?:other|additional|more|adult|pediatric|paediatric|young|eligible|evaluable|"
    rf"consecutive|new|female|male|elderly|treated|infused|dosed|enrolled|randomi[sz]ed|[a-z]+-year-old)\s+){{0,3}}"
    rf"(?:patients|participants|subjects|children|adults|people|women|men|infants|boys|girls|cases|individuals|"
    rf"volunteers|recipients)\b",
    re.I)
UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
          "year": "year", "years": "year"}
DURATION = re.compile(rf"\b(?P<n>\d+(?:\.\d+)?|{NUMBER})[- ](?P<unit>days?|weeks?|months?|years?)\b(?![- ]old)", re.I)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30.44, "year": 365.25}


def to_number(text: str) -> Optional[float]:
    text = text.lower().replace(",", "").strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if text in WORD_NUMBERS:
        return float(WORD_NUMBERS[text])
    parts = re.split(r"[- ]", text)
    if len(parts) == 2 and parts[0] in WORD_NUMBERS and parts[1] in WORD_NUMBERS:
        return float(WORD_NUMBERS[parts[0]] + WORD_NUMBERS[parts[1]])
    return None


def longest(durations: list[FollowUp]) -> Optional[FollowUp]:
    return max(durations, key=lambda d: d.value * _UNIT_DAYS[d.unit], default=None)
