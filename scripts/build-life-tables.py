#!/usr/bin/env python3
"""Builds data/ssa_life_tables.csv from the SSA period life tables of the 2020 Trustees
Report (historical and intermediate, "Alternative 2", projections, by sex), as shipped in
the econ-ark wheel on PyPI (econ-ark 0.17.2, HARK/Calibration/life_tables/us_ssa/).
data/README.md documents the source and every column.

    scripts/build-life-tables.py            # fetch the wheel with pip, write the file
    scripts/build-life-tables.py --check    # fail unless the committed file is reproduced byte for byte
    scripts/build-life-tables.py --wheel path/to/econ_ark-0.17.2-py3-none-any.whl

Standard library only (and pip, to fetch the wheel). The output is deterministic: the
source's own decimals, rows by year then age, LF line endings.
"""

import csv
import io
import sys
import zipfile
from pathlib import Path

from datafile import build_or_check, pip_download

PACKAGE = "econ-ark==0.17.2"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "data" / "ssa_life_tables.csv"
INSIDE = "HARK/Calibration/life_tables/us_ssa/PerLifeTables_{sex}_{kind}_TR2020.csv"
# Plans start in the present: the years a plan can meet, from the first projected year on.
FIRST_YEAR = 2018


def fetch(workdir: Path) -> Path:
    return pip_download(PACKAGE, workdir, "econ_ark-*.whl")


def rows(wheel: zipfile.ZipFile, sex: str) -> dict:
    """(year, age) -> (q(x), e(x)) as the source writes them, historical and projected."""
    out = {}
    for kind in ("Hist", "Alt2"):
        text = wheel.read(INSIDE.format(sex=sex, kind=kind)).decode("utf-8")
        lines = text.splitlines()
        # Four lines of titles, then the header `Year,x,q(x),...,e(x),...`.
        start = next(i for i, line in enumerate(lines) if line.startswith("Year,x,q(x)"))
        for record in csv.DictReader(io.StringIO("\n".join(lines[start:]))):
            if not record["Year"].strip().isdigit():
                continue
            key = (int(record["Year"]), int(record["x"]))
            out[key] = (record["q(x)"].strip(), record["e(x)"].strip())
    return out


def build(wheel_path: Path) -> str:
    with zipfile.ZipFile(wheel_path) as wheel:
        male, female = rows(wheel, "M"), rows(wheel, "F")
    years = sorted({year for (year, _) in male if year >= FIRST_YEAR})
    lines = ["year,age,q_male,q_female,e_male,e_female"]
    for year in years:
        for age in range(0, 120):
            (qm, em), (qf, ef) = male[(year, age)], female[(year, age)]
            lines.append(f"{year},{age},{qm},{qf},{em},{ef}")
    return "\n".join(lines) + "\n"


def main() -> int:
    return build_or_check(OUTPUT, PACKAGE, "--wheel", "the econ-ark wheel", fetch, build)


if __name__ == "__main__":
    sys.exit(main())
