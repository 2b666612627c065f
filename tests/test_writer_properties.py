"""Random change sets on real-looking sheets: every write verifies, reads back, and is stable."""

from __future__ import annotations

import openpyxl
import pytest
from corpus.build import SITE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortkpi_xl.config import default_config
from ortkpi_xl.workbook.changes import UNSET, CellChange, ChangeSet
from ortkpi_xl.workbook.patch import write_workbook

pytestmark = pytest.mark.filterwarnings("ignore:.*(extension|default style).*:UserWarning")

# cells the corpus files refuse on purpose (merged title, dynamic array)
AVOID = {(1, c) for c in range(2, 7)} | {(r, 29) for r in range(4, 9)}

values = st.one_of(
    st.just(UNSET),
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    # openpyxl (the oracle) does not decode Excel's _xHHHH_ escapes: leave control characters
    # to test_values_are_never_formulas, which checks the raw XML
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12),
)
changes = st.builds(
    CellChange,
    row=st.integers(1, 22),
    column=st.integers(1, 32),
    value=values,
    number_format=st.sampled_from([None, "0.0%", "0", "+0%;-0%;0%", "General"]),
    highlight=st.sampled_from([None, True, False]),
    note=st.sampled_from([None, "", "à vérifier", "note <outil> & co"]),
).filter(lambda c: (c.row, c.column) not in AVOID)


@pytest.mark.parametrize("name", ["excel_style", "prefixed", "styled", "notes"])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(st.lists(changes, min_size=1, max_size=15), min_size=1, max_size=3))
def test_random_changes(corpus, tmp_path, name, batches):
    config = default_config()
    current = corpus[name]
    expected: dict[tuple[int, int], object] = {}
    for i, batch in enumerate(batches):
        change_set = ChangeSet()
        for change in batch:
            change_set.add(SITE, change)
            if change.value is not UNSET:
                expected[change.row, change.column] = change.value
        out = tmp_path / f"{name}_{i}.xlsx"
        write_workbook(current, out, change_set, config)  # raises if its verification fails
        again = tmp_path / f"{name}_{i}_again.xlsx"
        write_workbook(out, again, change_set, config)
        assert again.read_bytes() == out.read_bytes()
        current = out
    ws = openpyxl.load_workbook(current)[SITE]
    for (row, col), value in expected.items():
        got = ws.cell(row, col).value
        if isinstance(value, float):
            assert got == pytest.approx(value, rel=1e-15, abs=0) or got == value
        elif value == "" or value is None:
            assert got in (None, "")
        else:
            # Text that looks like an OOXML escape (``_x0000_``) is written escaped as
            # ``_x005F_x0000_``, which Excel shows as typed; openpyxl does not unescape it.
            assert got == value or got.replace("_x005F_", "_") == value, (row, col)
