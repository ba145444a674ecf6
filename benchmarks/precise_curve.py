"""The trade-off curve of precise collection: recovery against contacts and complaints over λ.

Runs the champion, the hold-out policy (no contact) and the optimised policy at each λ (yuan
per unit of harm) and weekly contact cap on the same simulated borrowers, and writes
benchmarks/results/precise-tradeoff.html (charts, zh-CN and English) and
benchmarks/results/precise-tradeoff.md. Run from the project root::

    nice -n 10 .venv/bin/python benchmarks/precise_curve.py --model MODEL.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fairdebt.simulation.collections import pool_capacity
from fairdebt.simulation.evaluation import evaluate
from fairdebt.simulation.world import load_world
from fairdebt.strategy.catalogue import load_catalogue
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.optimised import Optimised
from fairdebt.strategy.policies import NoContact, Policy
from fairdebt.strategy.tradeoff import render_report
from fairdebt.strategy.uplift import load_uplift

RESULTS = Path(__file__).parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--borrowers", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--lams", default="0,5,20,100")
    parser.add_argument("--weekly", default="none,6")
    parser.add_argument("--world", type=Path, default=None)
    args = parser.parse_args()
    model = load_uplift(args.model)
    catalogue = load_catalogue()
    room = pool_capacity(catalogue, args.borrowers)
    caps = [None if w == "none" else int(w) for w in args.weekly.split(",")]
    settings = [(float(lam), cap) for cap in caps for lam in args.lams.split(",")]
    arms: list[tuple[str, Policy]] = [("champion", Champion()), ("none", NoContact())]
    for lam, cap in settings:
        arms.append(
            (
                f"optimised λ={lam:g} cap={cap}",
                Optimised(model, lam=lam, weekly_contacts=cap, capacity=room),
            )
        )
    results = evaluate(
        borrowers=args.borrowers,
        days=args.days,
        seeds=[int(s) for s in args.seeds.split(",")],
        arms=arms,
        world=load_world(args.world),
        catalogue=catalogue,
    )
    as_json = {k: v.as_json() for k, v in results.items()}
    points = []
    for lam, cap in settings:
        arm = as_json[f"optimised λ={lam:g} cap={cap}"]
        points.append(
            {
                "lam": lam,
                "weekly_contacts": cap if cap is not None else "–",
                "recovered": float(arm["recovered"]),  # type: ignore[arg-type]
                "contacts": float(arm["contacts"]),  # type: ignore[arg-type]
                "complaints": float(arm["complaints"]),  # type: ignore[arg-type]
                "harm": float(arm["harm"]),  # type: ignore[arg-type]
            }
        )
    first = f"optimised λ={settings[0][0]:g} cap={settings[0][1]}"
    page = render_report(
        {"champion": as_json["champion"], "optimised": as_json[first], "none": as_json["none"]},
        points,  # type: ignore[arg-type]
        title="Precise collection 精准催收: arms and trade-off 策略对比与权衡",
        note=f"{args.borrowers:,} borrowers × {args.days} days, seeds {args.seeds}; "
        f"model {args.model.name}. The optimised row of the table is λ={settings[0][0]:g}, "
        f"weekly cap {settings[0][1]}.",
    )
    (RESULTS / "precise-tradeoff.html").write_text(page, encoding="utf-8")
    lines = [
        "## Precise collection: trade-off over λ and the weekly contact cap",
        "",
        f"{args.borrowers:,} borrowers × {args.days} days, seeds {args.seeds}.",
        "",
        "| arm | recovered ¥ | net ¥ | contacts | complaints | harm |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, arm in as_json.items():
        lines.append(
            f"| {name} | {arm['recovered']:,.0f} | {arm['net_recovery']:,.0f} | "
            f"{arm['contacts']:,} | {arm['complaints']} | {arm['harm']:,.0f} |"
        )
    lines += [
        "",
        f"Command: `nice -n 10 .venv/bin/python benchmarks/precise_curve.py --model "
        f"{args.model} --borrowers {args.borrowers} --seeds {args.seeds}`",
        "",
    ]
    (RESULTS / "precise-tradeoff.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
