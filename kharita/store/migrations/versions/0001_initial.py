"""Create the store: documents, events, event sources, actors, places, control changes.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actors',
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('actor_type', sa.String(length=32), nullable=False),
    sa.Column('country', sa.String(length=8), nullable=False),
    sa.Column('parent', sa.Text(), nullable=True),
    sa.Column('new', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('control_changes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('place_key', sa.Text(), nullable=False),
    sa.Column('place', sa.JSON(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('time_precision', sa.Integer(), nullable=False),
    sa.Column('new_controller', sa.Text(), nullable=False),
    sa.Column('previous_controller', sa.Text(), nullable=True),
    sa.Column('event_ids', sa.JSON(), nullable=False),
    sa.Column('certainty', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_control_changes_place_date', 'control_changes', ['place_key', 'date'], unique=False)
    op.create_table('documents',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('outlet', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('origin', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('n_events', sa.Integer(), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_documents_external_id', 'documents', ['external_id'], unique=False)
    op.create_table('events',
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_id_cnty', sa.String(length=64), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('time_precision', sa.Integer(), nullable=False),
    sa.Column('disorder_type', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('sub_event_type', sa.String(length=64), nullable=False),
    sa.Column('actor1', sa.Text(), nullable=False),
    sa.Column('assoc_actor_1', sa.Text(), nullable=False),
    sa.Column('inter1', sa.String(length=32), nullable=False),
    sa.Column('actor2', sa.Text(), nullable=False),
    sa.Column('assoc_actor_2', sa.Text(), nullable=False),
    sa.Column('inter2', sa.String(length=32), nullable=False),
    sa.Column('interaction', sa.String(length=80), nullable=False),
    sa.Column('civilian_targeting', sa.String(length=32), nullable=False),
    sa.Column('iso', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('country', sa.String(length=80), nullable=False),
    sa.Column('admin1', sa.Text(), nullable=False),
    sa.Column('admin2', sa.Text(), nullable=False),
    sa.Column('admin3', sa.Text(), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('geo_precision', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_scale', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('fatalities', sa.Integer(), nullable=True),
    sa.Column('tags', sa.Text(), nullable=False),
    sa.Column('timestamp', sa.BigInteger(), nullable=False),
    sa.Column('geonameid', sa.BigInteger(), nullable=True),
    sa.Column('certainty', sa.String(length=16), nullable=False),
    sa.Column('fatalities_low', sa.Integer(), nullable=True),
    sa.Column('fatalities_best', sa.Integer(), nullable=True),
    sa.Column('fatalities_high', sa.Integer(), nullable=True),
    sa.Column('territory_place', sa.Text(), nullable=False),
    sa.Column('territory_new_controller', sa.Text(), nullable=False),
    sa.Column('territory_previous_controller', sa.Text(), nullable=False),
    sa.Column('corroboration', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('actor1_country', sa.String(length=8), nullable=False),
    sa.Column('actor2_country', sa.String(length=8), nullable=False),
    sa.Column('country_code', sa.String(length=8), nullable=False),
    sa.Column('place_feature_code', sa.String(length=16), nullable=False),
    sa.Column('place_approximate', sa.Boolean(), nullable=False),
    sa.Column('place_source', sa.Text(), nullable=False),
    sa.Column('place_key', sa.Text(), nullable=False),
    sa.Column('place_wof_id', sa.BigInteger(), nullable=True),
    sa.Column('place_feature_class', sa.String(length=4), nullable=False),
    sa.Column('place_population', sa.BigInteger(), nullable=False),
    sa.Column('actor1_parent', sa.Text(), nullable=True),
    sa.Column('actor1_new', sa.Boolean(), nullable=False),
    sa.Column('actor2_parent', sa.Text(), nullable=True),
    sa.Column('actor2_new', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    op.create_index('ix_events_actor1', 'events', ['actor1'], unique=False)
    op.create_index('ix_events_date_id', 'events', ['event_date', 'event_id'], unique=False)
    op.create_index('ix_events_lat_lon', 'events', ['latitude', 'longitude'], unique=False)
    op.create_index('ix_events_place_key', 'events', ['place_key'], unique=False)
    op.create_index('ix_events_sub_event_type', 'events', ['sub_event_type'], unique=False)
    op.create_table('places',
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('country_code', sa.String(length=8), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('geonameid', sa.BigInteger(), nullable=True),
    sa.Column('wof_id', sa.BigInteger(), nullable=True),
    sa.Column('feature_class', sa.String(length=4), nullable=False),
    sa.Column('feature_code', sa.String(length=16), nullable=False),
    sa.Column('admin1', sa.Text(), nullable=False),
    sa.Column('admin2', sa.Text(), nullable=False),
    sa.Column('admin3', sa.Text(), nullable=False),
    sa.Column('population', sa.BigInteger(), nullable=False),
    sa.Column('approximate', sa.Boolean(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('event_sources',
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('outlet', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('fatalities', sa.Integer(), nullable=True),
    sa.Column('certainty', sa.String(length=16), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('coder_version', sa.String(length=64), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.event_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'position')
    )
    op.create_index('ix_event_sources_document_id', 'event_sources', ['document_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_event_sources_document_id', table_name='event_sources')
    op.drop_table('event_sources')
    op.drop_table('places')
    op.drop_index('ix_events_sub_event_type', table_name='events')
    op.drop_index('ix_events_place_key', table_name='events')
    op.drop_index('ix_events_lat_lon', table_name='events')
    op.drop_index('ix_events_date_id', table_name='events')
    op.drop_index('ix_events_actor1', table_name='events')
    op.drop_table('events')
    op.drop_index('ix_documents_external_id', table_name='documents')
    op.drop_table('documents')
    op.drop_index('ix_control_changes_place_date', table_name='control_changes')
    op.drop_table('control_changes')
    op.drop_table('actors')
