"""Running pandoc's citeproc over CSL-JSON items, in time that grows linearly with the list.

Where the time went (``benchmarks/bench_cite.py --where 1000``, bytes pandoc allocates): citeproc's
given-name disambiguation (``disambiguate-add-givenname`` with a global rule: APA, Chicago
author-date) costs time that grows with the square of the entries in a pass, even when no two
names are alike: one APA pass over 1,000 distinct entries allocates 7.6 GB, 28.4 GB over 2,000,
and 1.3 GB without that attribute. Citing each item in a Markdown paragraph cost another 3 GB over
``nocite`` at 1,000 (the in-text citations are disambiguated too). citekit's own part (items,
JSON, rendering the AST) is 0.2 s of CPU at 1,000 entries. So a list is formatted as follows:

1. **Groups.** Items are split into groups that cannot change each other's formatting
   (:mod:`citekit.citations.groups`); a style :mod:`citekit.citations.traits` cannot vouch for
   (numbered styles, …) is one group.
2. **Batches.** Groups are packed into batches of about ``batch_entries`` items (small for styles
   with the quadratic pass), each one pandoc run, run ``jobs`` at a time (pandoc processes, from
   threads).
3. **Order.** One more run, with the *order style* (the same sort keys, no disambiguation, tiny
   layouts), gives the whole list's order; the batches' entries are put in it.
4. **Cache** (only with ``cache_dir``): each group's formatted entries are kept under a key of
   everything they depend on, so a grown bibliography reformats only the groups that changed.

The result is byte-identical to one pass over the whole list (``CiteOptions(split=False)``), which
the tests check on the corpus and on generated lists. Every item is cited once, in input order
(numeric styles number in input order; note styles give each item its first, full note). The
documents pandoc reads are JSON ASTs (no Markdown to parse) and items get ids derived from their
content, so an item's id does not change when the list grows.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citekit.citations.cache import CitationCache, cache_key
from citekit.citations.groups import independent_groups, keep_neighbours
from citekit.citations.passes import Pass, run_pass
from citekit.citations.render import MARKUPS, Markup
from citekit.citations.styles import Style
from citekit.citations.traits import StyleTraits, order_style, style_traits
from citekit.errors import InputError, OptionError, ToolError

BATCH_ENTRIES_QUADRATIC = 100
"""Entries per run for styles whose pass is quadratic. A run's fixed cost (reading APA's style,
~50 MB allocated, and building the collator for sorting, ~100 MB) and its quadratic part (~6 KB ×
entries²) balance near 100-150 entries: 1,000 entries in batches of 25, 50, 100, 200 and 400
allocated 7.4, 4.5, 3.3, 3.2 and 3.9 GB; 100 keeps more batches for the jobs to share."""
BATCH_ENTRIES_MAX = 1000
"""The largest batch for other styles; below it, a list is split into one batch per job."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CiteOptions:
    """How a list is formatted (never what: the output is the same for every value here)."""

    cache_dir: Path | None = None
    """Keep formatted groups in ``cache_dir/citations.sqlite3`` and reuse them; ``None``: no cache,
    nothing written."""
    jobs: int = 0
    """pandoc runs at a time; 0: one per CPU this process may use."""
    split: bool = True
    """Format independent groups in separate runs; ``False``: one pandoc pass over the whole list."""
    batch_entries: int = 0
    """Items per pandoc run when splitting; 0: chosen from the style."""
    pandoc: Path | None = None
    """The pandoc binary; ``None``: the bundled one (tests pass a fake here)."""


@dataclass(frozen=True, slots=True)
class _Formatted:
    """One group's (or batch's) result: its items' entries and citations, and its own entry order."""

    entries: list[str | None]
    """Each item's bibliography entry (``None``: the style gives it none), aligned with the items."""
    citations: list[str]
    """Each item's in-text citation, aligned with the items."""
    order: list[int]
    """Positions (into the items) of the entries, in the style's order."""


def citation_data(item: dict[str, Any]) -> dict[str, Any]:
    """The part of a CSL item a reference shows: the item less its key and citekit's ``custom``.

    :func:`citekit.writers.csl_json.csl_item` already leaves out what a reference must not show
    (the rights, a web page's publisher), so an exported CSL-JSON file formats as ``cite`` does.
    """
    return {k: v for k, v in item.items() if k not in {"id", "citation-key", "custom"}}


def render_items(
    items: Sequence[dict[str, Any]],
    style: Style,
    *,
    markup: Markup = "text",
    locale: str | None = None,
    options: CiteOptions | None = None,
) -> tuple[list[str], list[str]]:
    """(bibliography entries in the style's order, each item's in-text citation) for ``items``."""
    if markup not in MARKUPS:
        raise OptionError(f"unknown markup {markup!r}; expected one of {', '.join(MARKUPS)}")
    options = options or CiteOptions()
    if not items:
        return [], []
    prepared = _with_ids([citation_data(item) for item in items])
    with tempfile.TemporaryDirectory(prefix="citekit-cite-") as workdir:
        run = _Run(style, locale or style.default_locale, markup, options, Path(workdir))
        formatted = run.format(prepared)
    entries = [formatted.entries[i] for i in formatted.order]
    return [e for e in entries if e is not None], formatted.citations


def _with_ids(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each item with an id from its content (``i`` + 16 hex digits, ``-2``… for repeats): safe in
    pandoc's citation syntax and unchanged when the list around it changes."""
    seen: dict[str, int] = {}
    out = []
    for number, item in enumerate(items, 1):
        digest = hashlib.sha256(_utf8_json(item, number)).hexdigest()
        base = f"i{digest[:16]}"
        seen[base] = seen.get(base, 0) + 1
        out.append({**item, "id": base if seen[base] == 1 else f"{base}-{seen[base]}"})
    return out


def _utf8_json(item: dict[str, Any], number: int) -> bytes:
    """``item`` as canonical UTF-8 JSON; an InputError naming the item when it is not JSON data or
    holds text that is not Unicode (a lone surrogate: pandoc cannot read it)."""
    try:
        return json.dumps(item, sort_keys=True, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError as error:
        before = error.object[max(0, error.start - 30) : error.start]
        raise InputError(f"CSL item {number}: text with a lone surrogate (not Unicode) after {before!r}") from None
    except (TypeError, ValueError, RecursionError) as error:
        raise InputError(f"CSL item {number} is not JSON data: {error}") from None


class _Run:
    """One formatting job: a style, a locale and a markup over a list of prepared items."""

    def __init__(self, style: Style, language: str | None, markup: Markup, options: CiteOptions, workdir: Path):
        self.style, self.language, self.markup, self.options = style, language, markup, options
        self.workdir = workdir
        self.traits: StyleTraits = style_traits(style.path)
        self.cache = CitationCache(options.cache_dir) if options.cache_dir is not None else None
        self.jobs = options.jobs if options.jobs > 0 else _cpus()
        self._files = itertools.count()
        self._api: list[int] = []

    def format(self, items: list[dict[str, Any]]) -> _Formatted:
        """All items formatted: groups from the cache or from batches of pandoc runs, in the style's order."""
        groups = self._plan(items)
        order_key = self._key("order", items)
        order = _order_from_cache(self._cached(order_key), len(items)) if len(groups) > 1 else None
        if len(groups) > 1 and self.traits.subsequent_author_substitute:
            order = order or self._order_pass(items)  # needed first: it decides which groups must join
            groups = keep_neighbours(groups, order, items)
        keys = [self._key("group", [items[i] for i in group]) for group in groups]
        cached = self.cache.get_many(keys) if self.cache else {}
        results = {n: found for n, key in enumerate(keys) if (found := _from_cache(cached.get(key), len(groups[n])))}
        missing = [n for n in range(len(groups)) if n not in results]
        batches = _pack([groups[n] for n in missing], self._batch_size(len(items)))
        # One run over everything is the whole list's pass: its own order is the order.
        whole_run = len(batches) == 1 and len(missing) == len(groups)
        tasks: list[Callable[[], Any]] = []
        if len(groups) > 1 and order is None and not whole_run:
            tasks.append(lambda: self._order_pass(items))
        tasks.extend(functools.partial(self._batch, items, [groups[missing[b]] for b in batch]) for batch in batches)
        done = self._parallel(tasks)
        if len(tasks) > len(batches):
            order = done.pop(0)
        for batch, (formatted, run_order) in zip(batches, done, strict=True):
            results.update({missing[b]: f for b, f in zip(batch, formatted, strict=True)})
            if whole_run:
                order = run_order
        if self.cache:
            stored: dict[str, Any] = {keys[n]: _to_cache(results[n]) for n in missing}
            if order is not None and len(groups) > 1:
                stored[order_key] = order
            self.cache.put_many(stored)
        return _assemble(len(items), groups, results, order)

    def _plan(self, items: list[dict[str, Any]]) -> list[list[int]]:
        """The groups to format apart: one for the whole list when the style or the options say so,
        or (for ``subsequent-author-substitute``) when the list fits one run anyway."""
        whole = [list(range(len(items)))]
        if not self.options.split or self.traits.one_pass_rules:
            return whole
        if self.traits.subsequent_author_substitute and len(items) <= self._batch_size(len(items)):
            return whole
        return independent_groups(items, all_names=self.traits.all_names_rule)

    def _cached(self, key: str) -> Any:
        return self.cache.get_many([key]).get(key) if self.cache else None

    def _key(self, kind: str, items: list[dict[str, Any]]) -> str:
        if self.cache is None:
            return ""
        from citekit.pandoc import version

        return cache_key(kind, version(binary=self.options.pandoc), self.traits.digest, self.language,
                         self.markup, items)

    def _batch_size(self, count: int) -> int:
        if self.options.batch_entries > 0:
            return self.options.batch_entries
        if self.traits.global_givenname_rule:
            return BATCH_ENTRIES_QUADRATIC
        return max(BATCH_ENTRIES_QUADRATIC, min(BATCH_ENTRIES_MAX, -(-count // self.jobs)))

    def _parallel(self, tasks: list[Callable[[], Any]]) -> list[Any]:
        """The tasks' results in order, ``jobs`` at a time; the first failure cancels what has not started."""
        if len(tasks) <= 1 or self.jobs == 1:
            return [task() for task in tasks]
        self._api_version()  # once, before the threads need it
        with ThreadPoolExecutor(max_workers=min(self.jobs, len(tasks))) as pool:
            futures = [pool.submit(task) for task in tasks]
            try:
                return [future.result() for future in futures]
            except BaseException:
                for future in futures:
                    future.cancel()
                raise

    # ---- pandoc runs

    def _batch(
        self, items: list[dict[str, Any]], groups: list[list[int]]
    ) -> tuple[list[_Formatted], list[int]]:
        """One pandoc run over the items of ``groups``: each group's result, and the positions of the
        run's entries in its order."""
        members = sorted(i for group in groups for i in group)
        run = self._pass([items[i] for i in members], self.style.path, cite=True)
        order, entries, citations = run.order, run.entries, run.citations
        rank = {item_id: position for position, item_id in enumerate(order)}
        position_of = {items[i]["id"]: i for i in members}
        out = []
        for group in groups:
            ids = [items[i]["id"] for i in group]
            local_order = sorted((j for j, item_id in enumerate(ids) if item_id in rank), key=lambda j: rank[ids[j]])
            out.append(_Formatted([entries.get(i) for i in ids], [citations[i] for i in ids], local_order))
        return out, [position_of[item_id] for item_id in order]

    def _order_pass(self, items: list[dict[str, Any]]) -> list[int]:
        """Positions of ``items`` in the style's bibliography order, from one run of the order style."""
        if not self.traits.has_bibliography:
            return list(range(len(items)))
        path = self.workdir / "order.csl"
        if not path.exists():
            path.write_bytes(order_style(self.style.path))
        order = self._pass(items, path, cite=False).order
        position = {item["id"]: n for n, item in enumerate(items)}
        if sorted(order) != sorted(position):
            raise ToolError("citeproc's order pass did not return every item once")
        return [position[item_id] for item_id in order]

    def _pass(self, items: list[dict[str, Any]], style_path: Path, *, cite: bool) -> Pass:
        name = self.workdir / f"items-{next(self._files)}.json"
        return run_pass(items, csl=style_path, style_id=self.style.id, language=self.language,
                        markup=self.markup if cite else None, bibliography=name, api=self._api_version(),
                        pandoc=self.options.pandoc)

    def _api_version(self) -> list[int]:
        if not self._api:
            from citekit.pandoc import api_version

            self._api = list(api_version(binary=self.options.pandoc))
        return self._api


def _cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _pack(groups: list[list[int]], size: int) -> list[list[int]]:
    """Group numbers in batches of about ``size`` items (a larger group is a batch of its own)."""
    batches: list[list[int]] = []
    current: list[int] = []
    count = 0
    for number, group in enumerate(groups):
        if current and count + len(group) > size:
            batches.append(current)
            current, count = [], 0
        current.append(number)
        count += len(group)
    if current:
        batches.append(current)
    return batches


def _assemble(
    size: int, groups: list[list[int]], results: dict[int, _Formatted], order: list[int] | None
) -> _Formatted:
    """The groups' results as one, in ``order`` (or the single group's own order)."""
    entries: list[str | None] = [None] * size
    citations = [""] * size
    for number, group in enumerate(groups):
        result = results[number]
        for j, position in enumerate(group):
            entries[position] = result.entries[j]
            citations[position] = result.citations[j]
    if order is None:  # a single group (from the cache): its own order
        order = [groups[0][j] for j in results[0].order]
    return _Formatted(entries, citations, order)


def _to_cache(result: _Formatted) -> dict[str, Any]:
    return {"entries": result.entries, "citations": result.citations, "order": result.order}


def _order_from_cache(value: Any, size: int) -> list[int] | None:
    """A cached order of ``size`` items, or ``None`` when the value is not one."""
    if isinstance(value, list) and all(isinstance(j, int) for j in value) and sorted(value) == list(range(size)):
        return value
    return None


def _from_cache(value: Any, size: int) -> _Formatted | None:
    """A cached group result, or ``None`` when the value does not have the group's shape."""
    if not isinstance(value, dict):
        return None
    entries, citations, order = value.get("entries"), value.get("citations"), value.get("order")
    if not (
        isinstance(entries, list) and len(entries) == size and all(e is None or isinstance(e, str) for e in entries)
        and isinstance(citations, list) and len(citations) == size and all(isinstance(c, str) for c in citations)
        and isinstance(order, list) and all(isinstance(j, int) and 0 <= j < size for j in order)
        and len(set(order)) == len(order)
    ):
        return None
    return _Formatted(entries, citations, order)
