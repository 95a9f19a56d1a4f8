"""The benches book made-up people whose CURPs agree with their names (the booking refuses any
other), and a different CURP for each request."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from miconsulado.booking import curp

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture
def bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module


@pytest.mark.parametrize(("module", "make"), [("race.seed", "curp_for"), ("slow_clients", "curp")])
def test_bench_curps_agree_with_their_names_and_differ(bench, module, make):
    mod = bench(module)
    made = getattr(mod, make)
    indices = [*range(2000), *range(10**6, 10**6 + 2000)]
    curps = [made(i) for i in indices]
    assert len({c for c, _ in curps}) == len(indices)
    for value, birth in curps[::97]:
        assert curp.validate(value) == value
        assert curp.birth_date(value) == birth
        assert curp.names_disagree(value, **mod.NAMES) == []
    assert curp.curp_for(birth_date=birth, **mod.NAMES)[:4] == mod.LETTERS
    assert curp.curp_for(birth_date=birth, **mod.NAMES)[13:16] == mod.CONSONANTS
