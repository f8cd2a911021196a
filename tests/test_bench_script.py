"""`make bench` is not run by CI (timings never live in tests), so CI at least proves the script still
imports and parses its options: a moved model once broke it unnoticed."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_bench_script_imports_and_lists_its_options():
    result = subprocess.run([sys.executable, "bench/run.py", "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "--size" in result.stdout and "--only" in result.stdout
