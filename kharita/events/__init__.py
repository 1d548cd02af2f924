"""The events stage: triggers and their parsed arguments become ACLED events with evidence."""

from kharita.events.coder import EventCoder, classify, code_document

__all__ = ["EventCoder", "classify", "code_document"]
