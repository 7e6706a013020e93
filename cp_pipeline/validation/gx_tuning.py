"""Process-wide settings that make Great Expectations cheaper per expectation and per Data Docs
site, applied by `tune()` wherever the pipeline validates (batch suites, Data Docs, warehouse
suite).

1. No batch fingerprints. GX md5-hashes every cell of a pandas batch smaller than
   `HASH_THRESHOLD` for a `pandas_data_fingerprint` in its batch markers: about 0.05 s of a
   council-month's batch suites, for a value nothing here reads (and a digest of every child's
   rows need not be stored with the results). A threshold of 0 turns it off. This one is meant
   to change what is stored: the results carry no fingerprint.

2 to 4 change how much work GX does, never what it finds or shows:
`cp_pipeline_tests/validation/test_gx_tuning.py` validates the same faulty synthetic
council-month with and without them and compares every stored result and every rendered page.

2. One expectation configuration per kwargs lookup, not one per key. GX's `Expectation` reads
   its kwargs through its `configuration` property, which builds a new `ExpectationConfiguration`
   (a pydantic `.dict()` of the expectation, then a model) on every access;
   `_get_domain_kwargs`, `_get_success_kwargs`, `_get_success_kwarg` and `_get_runtime_kwargs`
   access it once per key, in loops, several times for each of a council-month's ~120
   expectations while GX plans their metrics. The replacements read it once per call and
   otherwise do what GX 1.x's do (same keys, same defaults), so nothing is kept between calls
   and an expectation changed in between is read afresh. A council-month's batch suites:
   0.59 -> 0.38 CPU s.

3. `config_variables.yml` parsed once per content. A file-backed GX project (each council's Data
   Docs site) re-reads and re-parses that file with ruamel at every access to a context
   variable, ~100 times a council-month; the parse is kept by the file's text (so an edited file
   is parsed again) and each caller gets its own copy.

4. GX's page templates compiled once per process. Every Data Docs view (a page, a section, a
   content block) makes its own Jinja environment, which compiled each template it used
   afresh: 54 compiles, 0.17 CPU s, a council-month. The views' environments now share one
   in-memory cache of compiled templates, keyed as Jinja's own bytecode caches key them (the
   template's name and file, and a checksum of its source), so an edited template is compiled
   again. Every environment still renders with its own filters and loaders; all of GX's views
   make theirs with the same options, which are all a compiled template depends on.

Measured 2026-12-07 on GX 1.24. Should a future GX move or rename what is replaced, `tune()`
leaves that part alone (and says so at DEBUG): the results stay GX's own, only the speed is lost.

A first try at 4 (2026-12-07) wrapped the views' `__init__` as `(*args, **kwargs)`; GX passes a
view its custom styles directory only when `__init__` names that parameter, so the pages lost
the sites' custom styles (the page comparison in the test caught it). The cache is now attached
where a view first fetches a template, and `__init__` is left alone.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

_KWARGS_METHODS = ("_get_success_kwarg", "_get_domain_kwargs", "_get_success_kwargs", "_get_runtime_kwargs")
_PARTS = {*_KWARGS_METHODS, "yaml", "_get_template"}

# (owner, attribute, GX's value, ours) for what 2 to 4 replaced in this process.
_PATCHES: list[tuple[Any, str, Any, Any]] = []
_TUNED = False


def tune() -> None:
    """Apply the settings to this process's Great Expectations (once; later calls do nothing)."""
    global _TUNED
    if _TUNED:
        return
    _TUNED = True
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0
    for part in (_kwargs_read_once_per_call, _config_variables_parsed_once, _templates_compiled_once):
        try:
            part()
        except (ImportError, AttributeError) as error:
            log.debug("GX has changed (%s); %s left as it is", error, part.__name__)


def is_tuned() -> bool:
    """Whether every part of `tune()` applies to the installed GX."""
    return {attribute for _, attribute, _, _ in _PATCHES} >= _PARTS


@contextmanager
def gx_as_shipped() -> Iterator[None]:
    """GX as installed, without settings 2 to 4, for the duration (the tests compare)."""
    for owner, attribute, theirs, _ in _PATCHES:
        setattr(owner, attribute, theirs)
    try:
        yield
    finally:
        for owner, attribute, _, ours in _PATCHES:
            setattr(owner, attribute, ours)


def _patch(owner: Any, attribute: str, ours: Any) -> None:
    _PATCHES.append((owner, attribute, getattr(owner, attribute), ours))
    setattr(owner, attribute, ours)


def _overridden(base: type, names: tuple[str, ...]) -> bool:
    """Whether any subclass of `base` defines one of `names` itself."""
    seen, todo = set(), list(base.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        if any(name in vars(cls) for name in names):
            return True
        todo += cls.__subclasses__()
    return False


def _kwargs_read_once_per_call() -> None:
    from great_expectations.expectations.expectation import Expectation, parse_result_format

    # The replacements call each other directly, so they stand in for the base class's only.
    if not all(name in vars(Expectation) for name in _KWARGS_METHODS) or _overridden(
        Expectation, _KWARGS_METHODS
    ):
        raise AttributeError("Expectation's kwargs methods")
    gx_success_kwarg = Expectation._get_success_kwarg

    def kwargs_of(expectation: Any) -> dict:
        return expectation.configuration.kwargs

    def _get_success_kwarg(self: Any, key: str, default: Any = None, kwargs: dict | None = None) -> Any:
        kwargs = kwargs_of(self) if kwargs is None else kwargs
        if key in kwargs:
            return kwargs[key]
        field = self.__fields__.get(key)
        if field is not None:
            return field.default if not field.required else default
        return gx_success_kwarg(self, key, default)  # GX's own, for its warning on an unknown key

    def _get_domain_kwargs(self: Any, kwargs: dict | None = None) -> dict:
        kwargs = kwargs_of(self) if kwargs is None else kwargs
        return {key: kwargs.get(key, self._get_default_value(key)) for key in self.domain_keys}

    def _get_success_kwargs(self: Any, kwargs: dict | None = None) -> dict:
        kwargs = kwargs_of(self) if kwargs is None else kwargs
        domain = _get_domain_kwargs(self, kwargs)
        success = {key: kwargs.get(key, self._get_default_value(key)) for key in self.success_keys}
        success.update(domain)
        return success

    def _get_runtime_kwargs(self: Any, runtime_configuration: dict | None = None) -> dict:
        runtime_configuration = runtime_configuration or {}
        kwargs = kwargs_of(self)
        success = _get_success_kwargs(self, kwargs)
        runtime = {
            key: runtime_configuration.get(key, _get_success_kwarg(self, key, None, kwargs))
            for key in self.runtime_keys
        }
        runtime.update(success)
        runtime["result_format"] = parse_result_format(runtime["result_format"])
        return runtime

    ours = (_get_success_kwarg, _get_domain_kwargs, _get_success_kwargs, _get_runtime_kwargs)
    for name, method in zip(_KWARGS_METHODS, ours, strict=True):
        _patch(Expectation, name, method)


class _ParsedOnce:
    """GX's YAML handler, with `load` kept by the text loaded (a copy to each caller)."""

    def __init__(self, handler: Any):
        self._handler = handler
        self._parsed: dict[str, Any] = {}

    def load(self, contents: str) -> Any:
        if contents not in self._parsed:
            self._parsed[contents] = self._handler.load(contents)
        return copy.deepcopy(self._parsed[contents])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handler, name)


def _config_variables_parsed_once() -> None:
    from great_expectations.core import config_provider

    _patch(config_provider, "yaml", _ParsedOnce(config_provider.yaml))


def _templates_compiled_once() -> None:
    from great_expectations.render.view.view import DefaultJinjaView
    from jinja2.bccache import Bucket, BytecodeCache

    if "_get_template" not in vars(DefaultJinjaView) or _overridden(DefaultJinjaView, ("_get_template",)):
        raise AttributeError("DefaultJinjaView._get_template")

    class CompiledTemplates(BytecodeCache):
        """Compiled templates kept in memory as code objects (nothing is written anywhere)."""

        def __init__(self) -> None:
            self._code: dict[tuple[str, str], Any] = {}

        def load_bytecode(self, bucket: Bucket) -> None:
            bucket.code = self._code.get((bucket.key, bucket.checksum))

        def dump_bytecode(self, bucket: Bucket) -> None:
            self._code[(bucket.key, bucket.checksum)] = bucket.code

    compiled = CompiledTemplates()
    gx_get_template = DefaultJinjaView._get_template

    def _get_template(self: Any, template_str: str) -> Any:
        if self.env.bytecode_cache is None:
            self.env.bytecode_cache = compiled
        return gx_get_template(self, template_str)

    _patch(DefaultJinjaView, "_get_template", _get_template)
