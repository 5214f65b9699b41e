"""Where users go next: transitions between events, top paths, time between stages.

A path is one user's events (``by="user"``) or one session's (``by="session"``) in
time order, ties kept in file order (``seq``). ``on`` chooses what a step is: the
event name, the touchpoint (events of no touchpoint keep their event name) or the
stage. Written once with Ibis; only the counted result comes back to pandas.

Each analysis sorts each user's events once: transitions with one ``lead``, paths
with one sorted list per user (repeats dropped within it), stage times with no sort at
all (one group-by per user, one aggregate).
"""

from __future__ import annotations

__all__ = [
    "PATH_COLUMNS",
    "SEPARATOR",
    "STAGE_TIME_COLUMNS",
    "TRANSITION_COLUMNS",
    "By",
    "On",
    "named_path",
    "ordered_join",
    "ordered_labels",
    "path_keys",
    "step_names",
    "steps_table",
    "time_between_stages",
    "top_paths",
    "transitions",
    "when_lists_fit",
]

from collections.abc import Callable, Mapping
from typing import Any, Literal

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd

from .. import i18n
from ..errors import DataError
from .events import EventLog, backend_name, default_backend, small_table, touchpoint_table

By = Literal["user", "session"]
On = Literal["event", "touchpoint", "stage"]
TRANSITION_COLUMNS: tuple[str, ...] = ("from", "to", "users", "events")
PATH_COLUMNS: tuple[str, ...] = ("path", "steps", "count", "share")
STAGE_TIME_COLUMNS: tuple[str, ...] = (
    "from_stage",
    "to_stage",
    "users",
    "q1_hours",
    "median_hours",
    "q3_hours",
    "mean_hours",
)
SEPARATOR = " > "


def path_keys(by: str) -> list[str]:
    if by == "user":
        return ["user_id"]
    if by == "session":
        return ["user_id", "path_session"]
    raise DataError(i18n.t("errors.overlay.paths_by", by=repr(by)))


def steps_table(log: EventLog, by: str = "user", on: str = "event") -> ir.Table:
    """The log as (keys..., label, ts, seq): what each step of a path is called.

    Steps named by event read the log's own columns, with no join to the touchpoint inventory.
    """
    if on == "event":
        t = log.events()
        label = t.event
    elif on == "touchpoint":
        t = log.table
        label = t.touchpoint.fill_null(t.event)
    elif on == "stage":
        t = log.table
        label = t.stage.fill_null(t.event)
    else:
        raise DataError(i18n.t("errors.overlay.steps_on", on=repr(on)))
    path_keys(by)
    return t.select(
        user_id=t.user_id, path_session=t.session_id.fill_null(""), label=label, ts=t.ts, seq=t.seq
    )


def named_path(path: str, names: Mapping[str, str], joiner: str = " → ") -> str:
    """A path as a person reads it: every step by its name (ids as given), joined by ``joiner``."""
    return joiner.join(names.get(step, step) for step in str(path).split(SEPARATOR))


def ordered_labels(table: ir.Table, label: ir.StringValue) -> ir.ArrayValue:
    """Per group, ``label`` in time order, ties in file order: a list of (ts, seq, label), sorted.

    Sorting each group's short list is faster than an ordered aggregate and holds less
    (10M events: 20% less time and memory in DuckDB), and every engine has it.
    """
    ordered = ibis.struct({"ts": table.ts, "seq": table.seq, "label": label}).collect().sort()
    return ordered.map(lambda x: x.label)


def ordered_join(
    table: ir.Table, label: ir.StringValue, sep: str, backend: Any = None, spill: bool = False
) -> ir.StringScalar:
    """Per group, ``label`` joined by ``sep`` in time order, ties in file order (``ts``, ``seq``).

    With ``spill`` (for DuckDB when the lists do not fit in its memory) an ordered
    ``string_agg``, which DuckDB can spill to disk; otherwise the sorted list joined.
    """
    if spill and backend_name(backend or default_backend()) == "duckdb":
        return label.group_concat(sep, order_by=[table.ts, table.seq])
    return ordered_labels(table, label).join(sep)


def when_lists_fit(compute: Callable[[bool], pd.DataFrame]) -> pd.DataFrame:
    """``compute(False)``, the per-group lists; ``compute(True)`` if DuckDB ran out of memory for them.

    Lists cannot spill to disk (100M events ran out of DuckDB's memory); the ordered
    aggregate and the window query that ``spill`` asks for are slower but spill.
    """
    try:
        return compute(False)
    except duckdb.OutOfMemoryException:
        return compute(True)


def _window(table: ir.Table, by: str) -> ibis.expr.builders.LegacyWindowBuilder:
    return ibis.window(group_by=[table[k] for k in path_keys(by)], order_by=[table.ts, table.seq])


def transitions(log: EventLog, by: By = "user", on: On = "event") -> pd.DataFrame:
    """Counts of consecutive steps A -> B: users who made the move and how often (events)."""
    s = steps_table(log, by, on)
    s = s.mutate(nxt=s.label.lead().over(_window(s, by)))
    moves = s.filter(s.nxt.notnull())
    agg = moves.group_by([moves.label.name("from"), moves.nxt.name("to")]).agg(
        users=moves.user_id.nunique(), events=moves.count()
    )
    out = agg.execute()
    out = out.astype({"users": "int64", "events": "int64"})
    out = out.sort_values(["events", "from", "to"], ascending=[False, True, True], kind="stable")
    return out[list(TRANSITION_COLUMNS)].reset_index(drop=True)


def top_paths(log: EventLog, n: int = 10, by: By = "user", on: On = "event") -> pd.DataFrame:
    """The ``n`` most common whole paths (consecutive repeats merged): path, steps, count, share."""
    out = when_lists_fit(lambda spill: _top_counts(_path_counts(log, by, on, spill=spill), n))
    n_keys = int(out["total"].iloc[0]) if len(out) else 0
    out = out.astype({"steps": "int64", "count": "int64"})
    out["share"] = out["count"] / n_keys if n_keys else 0.0
    out = out.sort_values(["count", "path"], ascending=[False, True], kind="stable")
    return out[list(PATH_COLUMNS)].reset_index(drop=True)


def _top_counts(counted: ir.Table, n: int) -> pd.DataFrame:
    """The ``n`` commonest paths with the number of users (or sessions) over all paths."""
    counted = counted.mutate(total=counted["count"].sum().over(ibis.window()))
    return counted.order_by([ibis.desc("count"), "path"]).limit(n).execute()


def _path_counts(log: EventLog, by: str, on: str, spill: bool = False) -> ir.Table:
    """Every whole path (repeats merged) with its steps and how many users (or sessions) took it.

    Each path is one sorted list per user, its repeats dropped by comparing each step
    with the one before it in the list: no sorted window over the log. When every name a
    step can have is known, the lists hold small numbers instead of names, written out
    only for the distinct paths (10M events: a quarter less time and memory). With
    ``spill`` (DuckDB, when the lists do not fit in memory) a ``lag`` marks the repeats
    first and an ordered aggregate joins the rest, both of which spill to disk.
    """
    s = steps_table(log, by, on)
    keys = path_keys(by)
    names = None if spill else step_names(log, on)
    if names is not None:
        return _coded_path_counts(s, keys, names, log.backend)
    if not spill:
        per_key = s.group_by(keys).agg(labels=ordered_labels(s, s.label))
        labels = per_key.labels
        merged = labels.filter(lambda x, i: (i == 0) | (labels[i - 1] != x))
        per_key = per_key.select(path=merged.join(SEPARATOR), steps=merged.length())
    else:
        s = s.mutate(prev=s.label.lag().over(_window(s, by)))
        s = s.filter(s.prev.isnull() | (s.prev != s.label))
        per_key = s.group_by(keys).agg(
            path=ordered_join(s, s.label, SEPARATOR, log.backend, spill=True), steps=s.count()
        )
    return per_key.group_by(["path", "steps"]).agg(count=per_key.count())


def step_names(log: EventLog, on: str) -> list[str] | None:
    """Every name a step ``on`` the events or touchpoints can have, sorted, when the log knows them
    without a pass over it (its event names, the inventory's touchpoint ids); else None."""
    if on not in ("event", "touchpoint"):
        return None
    names = set(log.event_names())
    if on == "touchpoint":
        inventory = touchpoint_table(log.project)
        if not len(inventory):  # the log's own touchpoint column, whatever it holds
            return None
        names.update(str(tp) for tp in inventory["tp_id"].dropna())
    return sorted(names)


def _coded_path_counts(s: ir.Table, keys: list[str], names: list[str], backend: Any) -> ir.Table:
    """:func:`_path_counts` with each step as its number in ``names``: every label must be one of them."""
    codes = small_table(
        pd.DataFrame({"label": names, "code": range(len(names))}),
        backend or default_backend(),
        {"label": "string", "code": "int32"},
    )
    coded = s.join(codes, "label")
    per_key = coded.group_by(keys).agg(codes=ordered_labels(coded, coded.code))
    listed = per_key.codes
    merged = listed.filter(lambda x, i: (i == 0) | (listed[i - 1] != x))
    counted = per_key.group_by(codes=merged, steps=merged.length()).agg(count=per_key.count())
    spelled = ibis.literal(names, type="array<string>")
    named = counted.select(
        path=counted.codes.map(lambda code: spelled[code]).join(SEPARATOR),
        steps=counted.steps,
        count=counted["count"],
    )
    # two code lists can spell the same text when a name holds the separator: counted as one path
    return named.group_by(["path", "steps"]).agg(count=named["count"].sum())


def time_between_stages(log: EventLog) -> pd.DataFrame:
    """Hours from first reaching each stage to first reaching the next, for users who reached both in order.

    Quartiles and mean per pair of consecutive stages of the project; a pair no
    user went through has ``users`` 0 and empty times. One group-by gives each user's
    first time at every stage (one column per stage); one aggregate over it gives
    every pair's figures.
    """
    t = log.table
    count = len(log.stages)
    if count < 2:
        return pd.DataFrame(columns=list(STAGE_TIME_COLUMNS))
    staged = t.filter(t.stage_order.notnull())
    firsts = staged.group_by("user_id").agg(
        **{f"f{i}": staged.ts.min(where=staged.stage_order == i) for i in range(count)}
    )
    figures: dict[str, ir.Scalar] = {}
    for i in range(count - 1):
        start, end = firsts[f"f{i}"], firsts[f"f{i + 1}"]
        ok = start.notnull() & end.notnull() & (end >= start)
        # whole microseconds on every engine (epoch seconds would drop the fractions)
        hours = end.delta(start, unit="microsecond").cast("float64") / 3_600_000_000.0
        figures.update(
            {
                f"users{i}": ok.cast("int64").sum(),
                f"q1_hours{i}": hours.quantile(0.25, where=ok),
                f"median_hours{i}": hours.quantile(0.5, where=ok),
                f"q3_hours{i}": hours.quantile(0.75, where=ok),
                f"mean_hours{i}": hours.mean(where=ok),
            }
        )
    found = firsts.agg(**figures).execute().iloc[0].to_dict()
    rows = []
    for i in range(count - 1):
        users = found[f"users{i}"]
        users = 0 if users is None or pd.isna(users) else int(users)
        rows.append(
            {
                "from_stage": log.stages[i],
                "to_stage": log.stages[i + 1],
                "users": users,
                **{
                    c: (
                        float(found[f"{c}{i}"])
                        if users and not pd.isna(found[f"{c}{i}"])
                        else float("nan")
                    )
                    for c in STAGE_TIME_COLUMNS[3:]
                },
            }
        )
    return pd.DataFrame(rows, columns=list(STAGE_TIME_COLUMNS))
