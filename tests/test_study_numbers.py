"""Study numbers on sentences written the way news reports of trials state them: the
longest follow-up (each way a duration is stated, and the durations that are not
follow-up) and counts of people in words and digits."""
from __future__ import annotations

from typing import Optional

import pytest

from pipeline.normalization.quantities import PATIENT_COUNT, to_number
from pipeline.normalization.study_numbers import longest_follow_up


def follow_up(text: str) -> Optional[tuple[float, str]]:
    found = longest_follow_up(text)
    return (found.value, found.unit) if found else None


def patient_counts(text: str) -> list[int]:
    return [int(to_number(m.group("n"))) for m in PATIENT_COUNT.finditer(text)]


def test_counts_of_people_in_words_and_digits():
    assert patient_counts("five other patients with refractory lupus") == [5]
    assert patient_counts("Twenty-two patients and 1,024 participants") == [22, 1024]
    assert patient_counts("the 54 treated men") == [54]
    assert patient_counts("a 20-year-old woman") == []


@pytest.mark.parametrize("text, expected", [
    ("After a median follow-up of 24.9 months, the median PFS was not reached", (24.9, "month")),
    ("The patients were followed for a median of 15 months and for up to 29 months", (29, "month")),
    ("Injections were given at week 0, 4 and 12, and the primary endpoint was assessed at week 48", (48, "week")),
    ("After two years, nine of the ten patients were still free of transfusions", (2, "year")),
    ("Regression was measured 36 weeks after the first dose", (36, "week")),
    ("All patients were insulin independent at 1 year", (1, "year")),
    ("LDL cholesterol stayed low through 180 days of follow-up", (180, "day")),
    ("a 5-year follow-up of the first cohort", (5, "year")),
])
def test_each_way_a_follow_up_is_stated(text, expected):
    assert follow_up(text) == expected


def test_a_landmark_estimate_or_a_rounded_label_yields_to_a_stated_follow_up():
    text = ("At a median follow-up of 9.1 months, overall survival at 12 months was 61%\n"
            "The 2-year progression-free survival was 40%")
    assert follow_up(text) == (9.1, "month")
    assert follow_up("NEJM two-year results of the trial\nAt week 104 factor VIII activity was 23%") == (104, "week")
    assert follow_up("The 3-year overall survival was 60%, with a response lasting up to 3 years") == (3, "year")


def test_ages_and_dosing_intervals_are_not_follow_up():
    assert follow_up("Patients aged 18 to 65 years were eligible") is None
    assert follow_up("A 7-year-old boy was diagnosed at 3 years of age") is None
    assert follow_up("The vaccine was given every 3 weeks") is None
    assert follow_up("patients aged 65 years or older") is None


def test_a_follow_up_stays_within_its_sentence_unless_the_line_was_broken():
    # "response" in one line does not make the next line's duration a response's
    assert follow_up("One patient had no response to treatment\nAnother died 20 weeks later of sepsis") is None
    assert follow_up("The oligoclonal bands decreased during the follow-up of about\n100 days") == (100, "day")


def test_a_stated_follow_up_beats_a_remission_s_duration():
    stated = follow_up("a median follow-up of 487 days; remission for up to 2 years; a 20-year-old man")
    assert stated == (487, "day")
    assert follow_up("in remission for up to 2 years; median age 76 years") == (2, "year")
