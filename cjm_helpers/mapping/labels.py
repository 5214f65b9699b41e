"""The words a map puts on its parts, in the reader's language: lanes, phases, evidence, map types.

Kept apart from the layout so every renderer (HTML, figure, tables, the wide importer)
names things the same way and imports only the words it needs.
"""

from __future__ import annotations

__all__ = ["change_label", "evidence_label", "lane_label", "map_type_label", "phase_label"]

from ..i18n import t


def phase_label(phase: str, lang: str = "en") -> str:
    return t(f"mapmeaning.phase.{phase}", lang)


def change_label(change: str, lang: str = "en") -> str:
    return t(f"mapmeaning.change.{change}", lang)


def lane_label(lane: str, lang: str = "en") -> str:
    return t(f"map.lane.{lane}", lang)


def evidence_label(level: str, lang: str = "en") -> str:
    return t(f"common.evidence.{level}", lang)


def map_type_label(map_type: str, lang: str = "en") -> str:
    return t(f"common.map_type.{map_type}", lang)
