"""ACLED's vocabulary, shared by every stage.

Event types, sub-event types, disorder types, actor types and precision codes follow the ACLED
Codebook (acleddata.com, 2023 edition); kharita adds one sub-event type, ``Displacement``, filed
under Strategic developments. Nothing here knows about text: it is the code list only.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class EventType(StrEnum):
    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC_DEVELOPMENTS = "Strategic developments"


class SubEventType(StrEnum):
    # Battles
    GOVERNMENT_REGAINS_TERRITORY = "Government regains territory"
    NON_STATE_ACTOR_OVERTAKES_TERRITORY = "Non-state actor overtakes territory"
    ARMED_CLASH = "Armed clash"
    # Explosions/Remote violence
    CHEMICAL_WEAPON = "Chemical weapon"
    AIR_DRONE_STRIKE = "Air/drone strike"
    SUICIDE_BOMB = "Suicide bomb"
    SHELLING = "Shelling/artillery/missile attack"
    REMOTE_EXPLOSIVE = "Remote explosive/landmine/IED"
    GRENADE = "Grenade"
    # Violence against civilians
    SEXUAL_VIOLENCE = "Sexual violence"
    ATTACK = "Attack"
    ABDUCTION = "Abduction/forced disappearance"
    # Protests
    EXCESSIVE_FORCE = "Excessive force against protesters"
    PROTEST_WITH_INTERVENTION = "Protest with intervention"
    PEACEFUL_PROTEST = "Peaceful protest"
    # Riots
    VIOLENT_DEMONSTRATION = "Violent demonstration"
    MOB_VIOLENCE = "Mob violence"
    # Strategic developments
    AGREEMENT = "Agreement"
    ARRESTS = "Arrests"
    CHANGE_TO_GROUP = "Change to group/activity"
    DISRUPTED_WEAPONS_USE = "Disrupted weapons use"
    HEADQUARTERS_ESTABLISHED = "Headquarters or base established"
    LOOTING = "Looting/property destruction"
    NON_VIOLENT_TRANSFER = "Non-violent transfer of territory"
    OTHER = "Other"
    # kharita's own
    DISPLACEMENT = "Displacement"


EVENT_TYPE_OF: dict[SubEventType, EventType] = {
    **{s: EventType.BATTLES for s in (
        SubEventType.GOVERNMENT_REGAINS_TERRITORY,
        SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
        SubEventType.ARMED_CLASH,
    )},
    **{s: EventType.EXPLOSIONS for s in (
        SubEventType.CHEMICAL_WEAPON,
        SubEventType.AIR_DRONE_STRIKE,
        SubEventType.SUICIDE_BOMB,
        SubEventType.SHELLING,
        SubEventType.REMOTE_EXPLOSIVE,
        SubEventType.GRENADE,
    )},
    **{s: EventType.VIOLENCE_AGAINST_CIVILIANS for s in (
        SubEventType.SEXUAL_VIOLENCE,
        SubEventType.ATTACK,
        SubEventType.ABDUCTION,
    )},
    **{s: EventType.PROTESTS for s in (
        SubEventType.EXCESSIVE_FORCE,
        SubEventType.PROTEST_WITH_INTERVENTION,
        SubEventType.PEACEFUL_PROTEST,
    )},
    **{s: EventType.RIOTS for s in (SubEventType.VIOLENT_DEMONSTRATION, SubEventType.MOB_VIOLENCE)},
    **{s: EventType.STRATEGIC_DEVELOPMENTS for s in (
        SubEventType.AGREEMENT,
        SubEventType.ARRESTS,
        SubEventType.CHANGE_TO_GROUP,
        SubEventType.DISRUPTED_WEAPONS_USE,
        SubEventType.HEADQUARTERS_ESTABLISHED,
        SubEventType.LOOTING,
        SubEventType.NON_VIOLENT_TRANSFER,
        SubEventType.OTHER,
        SubEventType.DISPLACEMENT,
    )},
}

#: Sub-event types that change who holds a place; each becomes a ControlChange.
TERRITORIAL: frozenset[SubEventType] = frozenset({
    SubEventType.GOVERNMENT_REGAINS_TERRITORY,
    SubEventType.NON_STATE_ACTOR_OVERTAKES_TERRITORY,
    SubEventType.NON_VIOLENT_TRANSFER,
})

#: Sub-event types that count as fighting at a place (used to mark control as contested).
FIGHTING: frozenset[SubEventType] = frozenset(
    s for s, t in EVENT_TYPE_OF.items() if t in (EventType.BATTLES, EventType.EXPLOSIONS)
)


class DisorderType(StrEnum):
    POLITICAL_VIOLENCE = "Political violence"
    DEMONSTRATIONS = "Demonstrations"
    STRATEGIC_DEVELOPMENTS = "Strategic developments"
    MIXED = "Political violence; Demonstrations"


def event_type_of(sub_event_type: SubEventType | str) -> EventType:
    return EVENT_TYPE_OF[SubEventType(sub_event_type)]


def disorder_type_of(sub_event_type: SubEventType | str) -> DisorderType:
    """ACLED's disorder type: violent demonstrations and force against protesters are both."""
    sub = SubEventType(sub_event_type)
    if sub in (SubEventType.EXCESSIVE_FORCE, SubEventType.MOB_VIOLENCE, SubEventType.VIOLENT_DEMONSTRATION):
        return DisorderType.MIXED if sub is SubEventType.EXCESSIVE_FORCE else DisorderType.DEMONSTRATIONS
    kind = EVENT_TYPE_OF[sub]
    if kind in (EventType.PROTESTS, EventType.RIOTS):
        return DisorderType.DEMONSTRATIONS
    if kind is EventType.STRATEGIC_DEVELOPMENTS:
        return DisorderType.STRATEGIC_DEVELOPMENTS
    return DisorderType.POLITICAL_VIOLENCE


class ActorType(StrEnum):
    """ACLED's inter codes, 1 to 8, by name (ACLED writes the name since 2023)."""

    STATE_FORCES = "State forces"
    REBEL_GROUP = "Rebel group"
    POLITICAL_MILITIA = "Political militia"
    IDENTITY_MILITIA = "Identity militia"
    RIOTERS = "Rioters"
    PROTESTERS = "Protesters"
    CIVILIANS = "Civilians"
    EXTERNAL_OTHER = "External/Other forces"

    @property
    def code(self) -> int:
        return list(ActorType).index(self) + 1


def interaction_of(inter1: ActorType | str | None, inter2: ActorType | str | None) -> str:
    """ACLED's interaction: the two actor types, lower code first, 'only' when alone."""
    if not inter1:
        return ""
    first = ActorType(inter1)
    if not inter2:
        return f"{first.value} only"
    pair = sorted((first, ActorType(inter2)), key=lambda t: t.code)
    return f"{pair[0].value}-{pair[1].value}"


class GeoPrecision(IntEnum):
    """ACLED geo_precision: 1 the named place, 2 near it or part of a region, 3 only a larger region."""

    PLACE = 1
    NEAR = 2
    REGION = 3


class TimePrecision(IntEnum):
    """ACLED time_precision: 1 the day, 2 within a week, 3 within a month."""

    DAY = 1
    WEEK = 2
    MONTH = 3


class Certainty(StrEnum):
    """kharita's own: stated as fact, attributed to a party, or hedged as unverified."""

    REPORTED = "reported"
    CLAIMED = "claimed"
    UNCONFIRMED = "unconfirmed"

    @property
    def strength(self) -> int:
        return {"reported": 3, "claimed": 2, "unconfirmed": 1}[self.value]


#: Matching radius (km) by geo precision and window (days) by time precision, from the gold format.
PLACE_RADIUS_KM = {GeoPrecision.PLACE: 10.0, GeoPrecision.NEAR: 30.0, GeoPrecision.REGION: 150.0}
DATE_WINDOW_DAYS = {TimePrecision.DAY: 1, TimePrecision.WEEK: 4, TimePrecision.MONTH: 16}

#: ACLED's conventions for vague fatality words.
VAGUE_FATALITIES = {"several": 3, "many": 10, "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1000}

#: ACLED's 17 regions and their countries (ISO alpha-2), as ACLED files them (the acled_countries
#: list of ACLED's acledR package; regions numbered as ACLED's API numbers them for `region=`).
#: Egypt and Sudan are Northern Africa, Armenia, Azerbaijan and Georgia the Caucasus, as in ACLED.
ACLED_REGIONS: dict[str, tuple[int, str]] = {
    "Western Africa": (1, "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SL SN TG"),
    "Middle Africa": (2, "AO CM CF TD CG CD GQ GA ST"),
    "Eastern Africa": (3, "BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS TZ UG ZM ZW"),
    "Southern Africa": (4, "BW LS NA SZ ZA"),
    "Northern Africa": (5, "DZ EG LY MA SD TN EH"),
    "South Asia": (7, "AF BD BT IN MV NP PK LK"),
    "Southeast Asia": (9, "BN KH ID LA MY MM PH SG TH TL VN"),
    "Middle East": (11, "BH CY IR IQ IL JO KW LB OM PS QA SA SY TR AE YE"),
    "Europe": (12, "AL AD AT BY BE BA BG HR CZ DK EE FO FI FR DE GI GR GG HU IS IE IM IT JE XK LV LI LT "
                   "LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SE CH UA GB VA AX SJ"),
    "Caucasus and Central Asia": (13, "AM AZ GE KZ KG TJ TM UZ"),
    "Central America": (14, "BZ CR SV GT HN MX NI PA"),
    "South America": (15, "AR BO BR CL CO EC FK GF GY PY PE SR UY VE"),
    "Caribbean": (16, "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI"),
    "East Asia": (17, "CN HK JP KP KR MO MN TW"),
    "North America": (18, "BM CA GL PM US"),
    "Oceania": (19, "AS AU CK FJ PF GU KI MH FM NR NC NZ NU NF MP PW PG PN WS SB TK TO TV UM VU WF"),
    "Antarctica": (20, "AQ BV GS HM TF"),
}
#: ACLED region of a country (ISO 3166-1 alpha-2); countries not listed take their continent.
ACLED_REGION: dict[str, str] = {code: name for name, (_, codes) in ACLED_REGIONS.items() for code in codes.split()}
#: ACLED's region numbers (the API's `region=11`) by name.
REGION_NUMBER: dict[str, int] = {name: number for name, (number, _) in ACLED_REGIONS.items()}


CONTINENT_REGION = {
    "AS": "Asia-Pacific", "EU": "Europe", "AF": "Africa", "NA": "North America",
    "SA": "South America", "OC": "Oceania", "AN": "Antarctica",
}
