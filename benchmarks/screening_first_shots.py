"""The screening loop's first shots, replayed from git history (docs/screening.md, rounds 25 on).

Each held-out round from 25 on was committed before any model ran on it, so the code, lexicon
and classifier of that commit are exactly what its first shot measured. This script checks each
such commit out (``git archive`` into a temporary folder), screens its round with it in a
subprocess, and prints recall and false positives per round and in all; then, from the same
findings, what two vetoes would have done: the classifier dropping lexicon hits it scores below
a bound, and a higher classifier threshold (docs/decisions/screening-classifier.md, "Vetoes
measured on the first shots").

    nice -n 10 .venv/bin/python benchmarks/screening_first_shots.py     # about a minute
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "compliance" / "screening_heldout.jsonl"
#: Round -> the commit that appended it, before any model ran on it.
FIRST_SHOTS = {
    25: "9e62104",
    26: "21ad99d",
    27: "7c4d99e",
    28: "1fc1756",
    29: "573496d",
    30: "670d496",
    31: "a78605b",
    32: "8017315",
    33: "b8bb701",
    34: "f8e66bb",
    35: "849c797",
    36: "e06beed",
    37: "63d4161",
    38: "0700ac3",
    39: "77d2fe7",
    40: "b6ea487",
    41: "132fa43",
    42: "8951913",
    43: "13c854d",
    44: "e0578e5",
    45: "1d4020c",
    46: "8f95185",
    47: "e855fde",
    48: "cb1b76d",
    49: "89df00e",
    50: "89df00e",
    51: "73006ce",
    52: "73006ce",
    53: "90e77f5",
    54: "90e77f5",
    55: "75dd9df",
    56: "75dd9df",
    57: "2578673",
    58: "2578673",
    59: "33d3c8b",
    60: "33d3c8b",
    61: "4d9d9c9",
    62: "4d9d9c9",
    63: "5805554",
    64: "5805554",
    65: "952246b",
    66: "952246b",
    67: "809e20e",
    68: "809e20e",
    69: "6d10788",
    70: "6d10788",
    71: "3da3c7f",
    72: "3da3c7f",
    73: "ffd25fb",
    74: "ffd25fb",
    75: "7ed20c6",
    76: "7ed20c6",
    77: "bc9b9f3",
    78: "bc9b9f3",
    79: "b92c092",
    80: "b92c092",
    81: "31acba7",
    82: "31acba7",
    83: "fdacb8d",
    84: "fdacb8d",
    85: "21d091f",
    86: "21d091f",
    87: "483f7fb",
    88: "483f7fb",
    89: "607d64b",
    90: "607d64b",
    91: "8c63bd1",
    92: "8c63bd1",
    93: "2631526",
    94: "2631526",
    95: "9f9ce29",
    96: "9f9ce29",
    97: "9bd8746",
    98: "9bd8746",
    99: "512f73e",
    100: "512f73e",
    101: "e8de1e6",
    102: "e8de1e6",
    103: "21c9394",
    104: "21c9394",
    105: "40af595",
    106: "40af595",
    107: "c584585",
    108: "c584585",
    109: "e5ae6ba",
    110: "e5ae6ba",
    111: "379439b",
    112: "379439b",
    113: "9466405",
    114: "9466405",
    115: "e5c0691",
    116: "e5c0691",
    117: "fad4e57",
    118: "fad4e57",
    119: "25a6d95",
    120: "25a6d95",
    121: "31256f3",
    122: "31256f3",
    123: "2c0e0d1",
    124: "2c0e0d1",
    125: "b2ba3a9",
    126: "b2ba3a9",
    127: "8a42b5c",
    128: "8a42b5c",
    129: "9a613f4",
    130: "9a613f4",
    131: "f25e33b",
    132: "f25e33b",
    133: "a2aa7a6",
    134: "a2aa7a6",
    135: "1b713cb",
    136: "1b713cb",
    137: "58eb860",
    138: "58eb860",
    139: "d1df07b",
    140: "d1df07b",
    141: "bbc82b1",
    142: "bbc82b1",
    143: "bad4784",
    144: "bad4784",
    145: "5b56218",
    146: "5b56218",
    147: "902e720",
    148: "902e720",
    149: "dd93dc7",
    150: "dd93dc7",
    151: "523fe56",
    152: "523fe56",
    153: "3300bda",
    154: "3300bda",
    155: "dadd986",
    156: "dadd986",
    157: "2bcfae1",
    158: "2bcfae1",
    159: "885e6fc",
    160: "885e6fc",
    161: "4a8fac0",
    162: "4a8fac0",
    163: "f29d725",
    164: "f29d725",
    165: "2f1da57",
    166: "2f1da57",
    167: "b63d1b4",
    168: "b63d1b4",
    169: "255bd2c",
    170: "255bd2c",
    171: "644f45a",
    172: "644f45a",
    173: "33d53a8",
    174: "33d53a8",
    175: "63f925c",
    176: "63f925c",
    177: "1135ebf",
    178: "1135ebf",
    179: "c415c69",
    180: "c415c69",
    181: "2a847f5",
    182: "2a847f5",
    183: "49191bd",
    184: "49191bd",
    185: "e0eafd7",
    186: "e0eafd7",
    187: "be6ee7c",
    188: "be6ee7c",
    189: "ae59965",
    190: "ae59965",
    191: "918f251",
    192: "918f251",
    193: "d48d517",
    194: "d48d517",
    195: "11e6b28",
    196: "11e6b28",
    197: "68aaed1",
    198: "68aaed1",
    199: "f1a359d",
    200: "f1a359d",
    201: "1e30638",
    202: "1e30638",
    203: "5c6d386",
    204: "5c6d386",
    205: "febfccb",
    206: "febfccb",
    207: "d75e535",
    208: "d75e535",
    209: "4cf99e3",
    210: "4cf99e3",
    211: "67ed5f0",
    212: "67ed5f0",
    213: "5d9ca02",
    214: "5d9ca02",
}
_SCREEN = """
import json, sys
from fairdebt.compliance.screening import screen
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
out = []
for c in rows:
    if c.get("round") == int(sys.argv[2]):
        found = screen(c["text"], c["facts"], c["pack"])
        out.append({"id": c["id"], "label": c["verdict"],
                    "findings": [[f.category, f.action, f.source, f.score] for f in found]})
print(json.dumps(out))
"""


def first_shot(round_: int, commit: str) -> list[dict[str, Any]]:
    """The findings of one round screened with the code and model of its first-shot commit."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src"], check=True, capture_output=True
    ).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        done = subprocess.run(
            [sys.executable, "-c", _SCREEN, str(HELDOUT), str(round_)],
            check=True,
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(Path(folder) / "src"), "PATH": "/usr/bin:/bin"},
        )
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def _flagged(findings: list[list[Any]]) -> bool:
    return bool(findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    rows: list[dict[str, Any]] = []
    print("| round | commit | recall | false positives |\n|---|---|---:|---:|")
    for round_, commit in FIRST_SHOTS.items():
        found = first_shot(round_, commit)
        bad = [r for r in found if r["label"] != "pass"]
        ok = [r for r in found if r["label"] == "pass"]
        hit = sum(_flagged(r["findings"]) for r in bad)
        fp = sum(_flagged(r["findings"]) for r in ok)
        print(f"| {round_} | {commit} | {hit} / {len(bad)} | {fp} / {len(ok)} |")
        rows += found
    bad = [r for r in rows if r["label"] != "pass"]
    ok = [r for r in rows if r["label"] == "pass"]
    hit, fp = sum(_flagged(r["findings"]) for r in bad), sum(_flagged(r["findings"]) for r in ok)
    print(
        f"| all | | {hit} / {len(bad)} ({hit / len(bad):.3f}) | {fp} / {len(ok)} "
        f"({fp / len(ok):.3f}) |"
    )
    print("\nVeto: drop lexicon findings the classifier scores below t (recall, false positives)")
    for t in (0.02, 0.05, 0.1, 0.2):

        def kept(findings: list[list[Any]], t: float = t) -> bool:
            return any(f[2] != "lexicon" or (f[3] or 0) >= t for f in findings)

        print(
            f"  t={t}: {sum(kept(r['findings']) for r in bad)}, "
            f"{sum(kept(r['findings']) for r in ok)}"
        )
    print("\nA higher classifier threshold (classifier-only flags lost: prohibited, compliant)")
    only_bad = [
        r["findings"][0][3]
        for r in bad
        if r["findings"] and all(f[2] == "classifier" for f in r["findings"])
    ]
    only_ok = [
        r["findings"][0][3]
        for r in ok
        if r["findings"] and all(f[2] == "classifier" for f in r["findings"])
    ]
    print(f"  caught by the classifier alone: {len(only_bad)} prohibited, {len(only_ok)} compliant")
    for t in (0.95, 0.98, 0.99):
        print(f"  threshold {t}: {sum(s < t for s in only_bad)}, {sum(s < t for s in only_ok)}")


if __name__ == "__main__":
    main()
