"""One exception tree for kharita. Every message names the problem and the fix.

    KharitaError
    ├── ConfigError                 a setting or option has a bad value
    ├── InputError                  a report cannot be read (file, line, reason)
    │   └── FeedError               a feed cannot be fetched or parsed
    ├── GazetteerError
    │   ├── GazetteerNotFound       no gazetteer database at the path
    │   └── GazetteerBuildError     a source file is not in a format we build from
    ├── DictionaryError             the actor dictionary or alias file is invalid
    ├── ModelError                  the spaCy pipeline is missing or broken
    ├── StoreError
    │   ├── StoreConnectionError    the database cannot be reached
    │   └── SchemaError             the database schema is older/newer than this code
    ├── ExportError                 an export format or destination is unusable
    └── EvalError                   gold or predictions cannot be scored
"""

from __future__ import annotations


class KharitaError(Exception):
    """Base class: library code raises only subclasses of this."""


class ConfigError(KharitaError):
    """A setting or command-line option has a value kharita cannot use."""


class InputError(KharitaError):
    """A report cannot be read. `source` names the file or line; `reason` says why."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class FeedError(InputError):
    """A feed could not be fetched or parsed."""


class GazetteerError(KharitaError):
    """Base class for gazetteer problems."""


class GazetteerNotFound(GazetteerError):
    """No gazetteer database at the configured path."""


class GazetteerBuildError(GazetteerError):
    """A source given to `kharita gazetteer build` is not in a format it knows."""


class DictionaryError(KharitaError):
    """The actor dictionary or the place alias file is invalid."""


class ModelError(KharitaError):
    """The spaCy English pipeline is missing or cannot be loaded."""


class StoreError(KharitaError):
    """Base class for store problems."""


class StoreConnectionError(StoreError):
    """The database cannot be opened or reached."""


class SchemaError(StoreError):
    """The database schema does not match this version of kharita."""


class ExportError(KharitaError):
    """An export format or destination cannot be used."""


class EvalError(KharitaError):
    """Gold or predicted events cannot be read or scored."""
