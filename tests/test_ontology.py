"""ACLED's vocabulary: every sub-event type has one event type; interaction follows ACLED's order."""

import pytest

from kharita.ontology import (
    EVENT_TYPE_OF,
    TERRITORIAL,
    ActorType,
    EventType,
    SubEventType,
    disorder_type_of,
    event_type_of,
    interaction_of,
)


def test_the_25_acled_sub_event_types_plus_displacement():
    assert len(SubEventType) == 26
    assert set(EVENT_TYPE_OF) == set(SubEventType)
    assert event_type_of("Displacement") is EventType.STRATEGIC_DEVELOPMENTS


def test_territorial_types_are_the_three_that_change_hands():
    assert {t.value for t in TERRITORIAL} == {
        "Government regains territory", "Non-state actor overtakes territory",
        "Non-violent transfer of territory",
    }


@pytest.mark.parametrize(
    "sub, disorder",
    [
        ("Armed clash", "Political violence"),
        ("Peaceful protest", "Demonstrations"),
        ("Excessive force against protesters", "Political violence; Demonstrations"),
        ("Agreement", "Strategic developments"),
    ],
)
def test_disorder_type(sub, disorder):
    assert disorder_type_of(sub).value == disorder


def test_interaction_orders_by_inter_code_and_marks_sole_actors():
    assert interaction_of(ActorType.CIVILIANS, ActorType.STATE_FORCES) == "State forces-Civilians"
    assert interaction_of("Rebel group", None) == "Rebel group only"
    assert ActorType.EXTERNAL_OTHER.code == 8
