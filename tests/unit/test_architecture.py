"""The shape of the package holds: ``scripts/architecture`` finds no import cycle, no import
of another module's private names, no import against the layers, no command module importing
another, and no oversized module without a stated reason."""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "architecture"


def load() -> ModuleType:
    loader = SourceFileLoader("wpsync_architecture", str(SCRIPT))
    spec = importlib.util.spec_from_loader("wpsync_architecture", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["wpsync_architecture"] = module
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def arch() -> ModuleType:
    return load()


def test_the_package_keeps_its_architecture(arch: ModuleType) -> None:
    assert arch.check() == []


def test_the_checker_finds_a_cycle(arch: ModuleType) -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert arch.cycles(graph) == [["a", "b", "c"]]
    assert arch.cycles({"a": {"b"}, "b": set()}) == []


def test_the_checker_reads_every_kind_of_import(arch: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text(
        "from wpsync.engine.plan import _private, Public\n"
        "def f():\n"
        "    from wpsync.store import state\n"  # a lazy import counts too
        "    import wpsync.source.render\n",
        encoding="utf-8",
    )
    known = {"wpsync.store.state": source, "wpsync.engine.plan": source}
    found = arch.imports_of("wpsync.cli.x", source, known)
    assert [(i.target, i.names) for i in found] == [
        ("wpsync.engine.plan", ("_private", "Public")),
        ("wpsync.store.state", ()),
        ("wpsync.source.render", ()),
    ]


def test_the_checker_knows_the_layers(arch: ModuleType) -> None:
    down = arch.Import("wpsync.engine.executor", "wpsync.store.state", (), 1)
    up = arch.Import("wpsync.store.state", "wpsync.engine.plan", (), 1)
    foundation_up = arch.Import("wpsync.model", "wpsync.store.state", (), 1)
    facade = arch.Import("wpsync.engine.plan", "wpsync.api", (), 1)
    assert arch.layer_problem(down) is None
    assert "a layer above it" in arch.layer_problem(up)
    assert "foundation" in arch.layer_problem(foundation_up)
    assert "facade" in arch.layer_problem(facade)
    sibling = arch.Import("wpsync.cli.init", "wpsync.cli.doctor", (), 1)
    shared = arch.Import("wpsync.cli.init", "wpsync.cli.common", (), 1)
    assert "command module" in arch.command_problem(sibling)
    assert arch.command_problem(shared) is None
