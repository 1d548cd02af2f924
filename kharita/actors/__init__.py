"""Actors: the dictionary (who is who, under which names) and the coding of mentions to it."""

from kharita.actors.coding import CodingContext, code_actor, find_actors
from kharita.actors.dictionary import ActorDictionary, ActorEntry, load_default

__all__ = ["ActorDictionary", "ActorEntry", "CodingContext", "code_actor", "find_actors", "load_default"]
