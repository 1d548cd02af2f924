"""The store's tables, in SQLAlchemy Core: one definition for SQLite and PostgreSQL.

`events` holds the flat record of `kharita.record` (ACLED's columns, then kharita's) so that every
filter is SQL; the few Place and Actor fields the record leaves out ride along in `place_*` and
`actor*_*` columns so an Event reads back whole. Sources and their evidence spans live in
`event_sources`, one row per (event, report): it is also the link from events to documents.
The migration history in `migrations/` builds exactly these tables (a test compares them).
An event whose date is unknown has NULL event_date, year and time_precision (kharita.record).
`acled_ids` and `acled_counters` give each event its ACLED event_id_cnty once and keep it;
`deletions` lists the event ids that left `events`, for clients keeping a copy (revision 0004).
`control_states` is who holds each place over spans of days, as the last control refresh left it,
and `control_refresh` how many changes that refresh wrote (revision 0005).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", String(32), primary_key=True),            # models.content_id
    Column("external_id", Text),
    Column("url", Text),
    Column("outlet", Text),
    Column("title", Text),
    Column("published", Date),
    Column("language", String(16), nullable=False, default="en"),
    Column("origin", Text),
    Column("text", Text, nullable=False),
    Column("n_events", Integer, nullable=False, default=0),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)
Index("ix_documents_external_id", documents.c.external_id)

events = Table(
    "events", metadata,
    Column("event_id", String(64), primary_key=True),
    # ACLED's 31 columns (event_id_cnty repeats event_id, as ACLED files it)
    Column("event_id_cnty", String(64), nullable=False),
    Column("event_date", Date),                             # NULL: unknown (revision 0003)
    Column("year", Integer),
    Column("time_precision", Integer),                      # NULL with an unknown date
    Column("disorder_type", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("sub_event_type", String(64), nullable=False),
    Column("actor1", Text, nullable=False),
    Column("assoc_actor_1", Text, nullable=False, default=""),
    Column("inter1", String(32), nullable=False),
    Column("actor2", Text, nullable=False, default=""),
    Column("assoc_actor_2", Text, nullable=False, default=""),
    Column("inter2", String(32), nullable=False, default=""),
    Column("interaction", String(80), nullable=False, default=""),
    Column("civilian_targeting", String(32), nullable=False, default=""),
    Column("iso", Integer),
    Column("region", String(64), nullable=False, default=""),
    Column("country", String(80), nullable=False, default=""),
    Column("admin1", Text, nullable=False, default=""),
    Column("admin2", Text, nullable=False, default=""),
    Column("admin3", Text, nullable=False, default=""),
    Column("location", Text, nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("geo_precision", Integer, nullable=False),
    Column("source", Text, nullable=False, default=""),
    Column("source_scale", Text, nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("fatalities", Integer),
    Column("tags", Text, nullable=False, default=""),
    Column("timestamp", BigInteger, nullable=False, default=0),
    # kharita's columns
    Column("geonameid", BigInteger),
    Column("certainty", String(16), nullable=False),
    Column("fatalities_low", Integer),
    Column("fatalities_best", Integer),
    Column("fatalities_high", Integer),
    Column("territory_place", Text, nullable=False, default=""),
    Column("territory_new_controller", Text, nullable=False, default=""),
    Column("territory_previous_controller", Text, nullable=False, default=""),
    Column("corroboration", Integer, nullable=False, default=0),
    Column("confidence", Float, nullable=False, default=1.0),
    Column("actor1_country", String(8), nullable=False, default=""),
    Column("actor2_country", String(8), nullable=False, default=""),
    Column("country_code", String(8), nullable=False, default=""),
    Column("place_feature_code", String(16), nullable=False, default=""),
    Column("place_approximate", Boolean, nullable=False, default=False),
    Column("place_source", Text, nullable=False, default=""),
    # what the record leaves out, so that an Event reads back whole
    Column("place_key", Text, nullable=False),
    Column("place_wof_id", BigInteger),
    Column("place_feature_class", String(4), nullable=False, default=""),
    Column("place_population", BigInteger, nullable=False, default=0),
    Column("actor1_parent", Text),
    Column("actor1_new", Boolean, nullable=False, default=False),
    Column("actor2_parent", Text),
    Column("actor2_new", Boolean, nullable=False, default=False),
)
# the API's pages (revision 0005): by (event_date, event_id), the box and the types tested in the index
Index("ix_events_date_box", events.c.event_date, events.c.event_id, events.c.longitude, events.c.latitude,
      events.c.event_type, events.c.sub_event_type)
Index("ix_events_sub_event_type", events.c.sub_event_type)
Index("ix_events_lat_lon", events.c.latitude, events.c.longitude)
Index("ix_events_actor1", events.c.actor1)
Index("ix_events_place_key", events.c.place_key)
# merge's candidate search (revision 0006): one range scan per sub-event type and time precision,
# each of its own date window, with every other candidate condition tested in the index; on
# PostgreSQL it also holds the rest of what merge's first read takes (revision 0007), so that read
# is an index-only scan
Index("ix_events_merge", events.c.sub_event_type, events.c.time_precision, events.c.event_date,
      events.c.latitude, events.c.longitude, events.c.geo_precision, events.c.place_key,
      postgresql_include=["event_id", "actor1", "actor1_parent", "actor2", "actor2_parent",
                          "territory_new_controller"])
# the ACLED API's `timestamp` filter: what changed since a client's last refresh (revision 0004)
Index("ix_events_timestamp", events.c.timestamp)

event_sources = Table(
    "event_sources", metadata,
    Column("event_id", String(64), ForeignKey("events.event_id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("document_id", String(32), nullable=False),    # not a foreign key: merge may cite a report
    Column("external_id", Text),                          # stored by another run or another store
    Column("url", Text),
    Column("outlet", Text),
    Column("title", Text),
    Column("published", Date),
    Column("fatalities", Integer),
    Column("certainty", String(16), nullable=False),
    Column("confidence", Float, nullable=False, default=1.0),
    Column("coder_version", String(64), nullable=False, default=""),
    Column("evidence", JSON, nullable=False),             # [{field, start, end, text}, ...]
)
Index("ix_event_sources_document_id", event_sources.c.document_id)

actors = Table(
    "actors", metadata,
    Column("name", Text, primary_key=True),
    Column("actor_type", String(32), nullable=False),
    Column("country", String(8), nullable=False, default=""),
    Column("parent", Text),
    Column("new", Boolean, nullable=False, default=False),
)

places = Table(
    "places", metadata,
    Column("key", Text, primary_key=True),                # models.Place.key
    Column("name", Text, nullable=False),
    Column("country_code", String(8), nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("geonameid", BigInteger),
    Column("wof_id", BigInteger),
    Column("feature_class", String(4), nullable=False, default=""),
    Column("feature_code", String(16), nullable=False, default=""),
    Column("admin1", Text, nullable=False, default=""),
    Column("admin2", Text, nullable=False, default=""),
    Column("admin3", Text, nullable=False, default=""),
    Column("population", BigInteger, nullable=False, default=0),
    Column("approximate", Boolean, nullable=False, default=False),
    Column("source", Text, nullable=False, default=""),
)

control_changes = Table(
    "control_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("place_key", Text, nullable=False),
    Column("place", JSON, nullable=False),                # the whole Place, as a dict
    Column("date", Date, nullable=False),
    Column("time_precision", Integer, nullable=False),
    Column("new_controller", Text, nullable=False),
    Column("previous_controller", Text),
    Column("event_ids", JSON, nullable=False),
    Column("certainty", String(16), nullable=False),
)
Index("ix_control_changes_place_date", control_changes.c.place_key, control_changes.c.date)

# -- revision 0005: control as a materialised state (kharita.control.materialised) --------------

control_states = Table(                                   # a place's state over [valid_from, valid_until)
    "control_states", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date),                          # NULL: to this day and after
    Column("place_key", Text, nullable=False),
    Column("place_name", Text, nullable=False),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("place", JSON, nullable=False),                # the whole Place, as a dict
    Column("contested", Boolean, nullable=False),
    Column("reasons", JSON, nullable=False),              # ControlState.reasons
    # the change that set the controller
    Column("change_date", Date, nullable=False),
    Column("time_precision", Integer, nullable=False),
    Column("new_controller", Text, nullable=False),
    Column("previous_controller", Text),
    Column("event_ids", JSON, nullable=False),
    Column("certainty", String(16), nullable=False),
)
Index("ix_control_states_valid_from", control_states.c.valid_from, control_states.c.valid_until)

control_refresh = Table(                                  # one row: how many changes the states are of
    "control_refresh", metadata,
    Column("id", Integer, primary_key=True),
    Column("changes", Integer, nullable=False),
)

# -- revision 0004: what ACLED's clients need (kharita.store.acled_ids, kharita.store.deletions) --

acled_ids = Table(                                        # never deleted: a number stays with its event
    "acled_ids", metadata,
    Column("event_id", String(64), primary_key=True),
    Column("event_id_cnty", String(64), nullable=False),  # ISO3 + number, e.g. SYR17
)
Index("ux_acled_ids_event_id_cnty", acled_ids.c.event_id_cnty, unique=True)

acled_counters = Table(                                   # the last number given, per country
    "acled_counters", metadata,
    Column("iso3", String(3), primary_key=True),
    Column("last_number", BigInteger, nullable=False),
)

deletions = Table(                                        # event ids that left `events`
    "deletions", metadata,
    Column("event_id", String(64), primary_key=True),
    Column("event_id_cnty", String(64), nullable=False),
    Column("deleted_timestamp", BigInteger, nullable=False),   # unix seconds, as ACLED's column
    Column("merged_into", String(64)),                    # the event that absorbed it; NULL: deleted
)
Index("ix_deletions_deleted_timestamp", deletions.c.deleted_timestamp)
