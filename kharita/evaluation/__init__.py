"""The parts of `kharita eval`: the records it compares (`records.py`) and how two events match
(`matching.py`). `kharita.evaluate` puts them together into a report."""
