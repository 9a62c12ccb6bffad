"""placeholder"""

from __future__ import annotations

from tests.fidelity.corpus import Case

CASES: list[Case] = []
