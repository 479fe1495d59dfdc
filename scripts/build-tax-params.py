#!/usr/bin/env python3
"""Builds data/us_federal_tax.csv, the US federal income tax parameters the engine uses, from
PSL Tax-Calculator's `taxcalc/policy_current_law.json`, as shipped in the taxcalc 6.8.0
source distribution on PyPI (public domain). data/README.md documents the source and every
row.

    scripts/build-tax-params.py            # fetch the sdist with pip, write the file
    scripts/build-tax-params.py --check    # fail unless the committed file is reproduced byte for byte
    scripts/build-tax-params.py --sdist path/to/taxcalc-6.8.0.tar.gz

Standard library only (and pip, to fetch the sdist). The output is deterministic: one row per
parameter for the base year, then one per later year in which an unindexed parameter changes
under current law; values as the source writes them; LF line endings.
"""

import json
import sys
import tarfile
from pathlib import Path

from datafile import build_or_check, pip_download

PACKAGE = "taxcalc==6.8.0"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "data" / "us_federal_tax.csv"
INSIDE = "taxcalc-6.8.0/taxcalc/policy_current_law.json"
# The last year whose indexed amounts are law (IRS Rev. Proc. 2025-32) rather than
# Tax-Calculator's own inflation forecast; the engine indexes from here with each path's
# simulated inflation.
BASE_YEAR = 2026
# Tax-Calculator's parameters run to 2035.
LAST_YEAR = 2035

# The engine's name for each parameter, and Tax-Calculator's.
PARAMETERS = [
    *[(f"rate_{k}", f"II_rt{k}") for k in range(1, 8)],
    *[(f"bracket_{k}", f"II_brk{k}") for k in range(1, 7)],
    ("standard_deduction", "STD"),
    ("aged_deduction", "STD_Aged"),
    ("gains_rate_1", "CG_rt1"),
    ("gains_rate_2", "CG_rt2"),
    ("gains_rate_3", "CG_rt3"),
    ("gains_bracket_1", "CG_brk1"),
    ("gains_bracket_2", "CG_brk2"),
    ("niit_rate", "NIIT_rt"),
    ("niit_threshold", "NIIT_thd"),
    ("ss_threshold_1", "SS_thd1"),
    ("ss_threshold_2", "SS_thd2"),
    ("ss_share_1", "SS_percentage1"),
    ("ss_share_2", "SS_percentage2"),
    ("senior_deduction", "SeniorDed_c"),
    ("senior_phaseout_start", "SeniorDed_ps"),
    ("senior_phaseout_rate", "SeniorDed_prt"),
]


def fetch(workdir: Path) -> Path:
    return pip_download(PACKAGE, workdir, "taxcalc-*.tar.gz", sdist=True)


def value_in(parameter: dict, year: int, mars: str):
    """The parameter's value in `year` for filing status `mars`: the source's latest entry at
    or before that year (an entry without MARS applies to every status)."""
    entries = [
        e for e in parameter["value"]
        if e["year"] <= year and e.get("MARS", mars) == mars
    ]
    if not entries:
        raise SystemExit(f"no value for {parameter['title']} in {year} ({mars})")
    return max(entries, key=lambda e: e["year"])["value"]


def number(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def build(sdist: Path) -> str:
    with tarfile.open(sdist) as archive:
        policy = json.load(archive.extractfile(INSIDE))
    lines = ["parameter,year,indexed,single,joint"]
    for name, source in PARAMETERS:
        parameter = policy[source]
        indexed = bool(parameter["indexed"])
        if indexed and not any(e["year"] == BASE_YEAR for e in parameter["value"]):
            raise SystemExit(f"{source} has no {BASE_YEAR} value: move BASE_YEAR")
        last = None
        for year in range(BASE_YEAR, (BASE_YEAR if indexed else LAST_YEAR) + 1):
            pair = (number(value_in(parameter, year, "single")),
                    number(value_in(parameter, year, "mjoint")))
            if pair != last:
                lines.append(f"{name},{year},{int(indexed)},{pair[0]},{pair[1]}")
                last = pair
    return "\n".join(lines) + "\n"


def main() -> int:
    return build_or_check(OUTPUT, PACKAGE, "--sdist", "the taxcalc sdist", fetch, build)


if __name__ == "__main__":
    sys.exit(main())
