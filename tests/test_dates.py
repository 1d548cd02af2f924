"""Time expressions resolved against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from kharita.nlp.dates import find_dates, parse_label
from kharita.ontology import TimePrecision

PUBLISHED = dt.date(2015, 7, 9)      # a Thursday


def one(text: str, published: dt.date | None = PUBLISHED) -> tuple[dt.date, TimePrecision, bool]:
    (mention,) = find_dates(text, published)
    assert text[mention.start:mention.end] == mention.text
    return parse_label(mention.label)


@pytest.mark.parametrize("text, day, precision", [
    ("Fighting broke out on Sunday.", dt.date(2015, 7, 5), TimePrecision.DAY),
    ("Clashes resumed on Thursday night.", dt.date(2015, 7, 9), TimePrecision.DAY),
    ("The town fell yesterday.", dt.date(2015, 7, 8), TimePrecision.DAY),
    ("Rebels attacked on July 5.", dt.date(2015, 7, 5), TimePrecision.DAY),
    ("Rebels attacked on 5 July 2015.", dt.date(2015, 7, 5), TimePrecision.DAY),
    ("The siege began on December 20.", dt.date(2014, 12, 20), TimePrecision.DAY),
    ("Troops withdrew last week.", dt.date(2015, 7, 2), TimePrecision.WEEK),
    ("Three days ago the army shelled it.", dt.date(2015, 7, 6), TimePrecision.DAY),
    ("Published 2015-06-30.", dt.date(2015, 6, 30), TimePrecision.DAY),
])
def test_dates(text, day, precision):
    assert one(text)[:2] == (day, precision)


def test_periods_are_marked_and_set_precision():
    day, precision, period = one("Clashes have been continuing for the past two weeks.")
    assert (day, precision, period) == (PUBLISHED, TimePrecision.MONTH, True)
    assert one("Over the past three days, shelling killed five.")[1:] == (TimePrecision.WEEK, True)


def test_relative_dates_need_a_publication_date():
    assert find_dates("It happened yesterday.", None) == []
    assert parse_label(find_dates("It happened on 3 March 2016.", None)[0].label)[0] == dt.date(2016, 3, 3)


def test_no_date():
    assert find_dates("", PUBLISHED) == []
    assert find_dates("Militants may attack soon.", PUBLISHED) == []


@pytest.mark.parametrize("text, day", [
    ("Police had raided the house in February 2009.", dt.date(2009, 2, 15)),
    ("The town fell in Sept. 2014 after weeks of fighting.", dt.date(2014, 9, 15)),
])
def test_a_month_and_year_is_that_month(text, day):
    (mention,) = find_dates(text, None)
    assert parse_label(mention.label)[:2] == (day, TimePrecision.MONTH)


def test_may_before_a_year_can_be_the_verb():
    assert find_dates("Officials said talks may 2021 resume.", None) == []
