"""ingest: reports in (text, HTML, RSS/Atom, JSON Lines, CSV; files, folders, stdin, URLs), Documents out."""

from kharita.ingest.readers import read_input, read_inputs

__all__ = ["read_input", "read_inputs"]
