"""A synthetic project the size of the seven-sector model, for benchmarks (not real data).

Each synthetic sector has one product, `techs` technologies (a third with existing stock, a
third available later with growth limits, a third with capture), inputs of the shared
commodities, and a share of one joint carbon budget. Numbers are arbitrary but of realistic
magnitude so that the LP has the structure and conditioning of the real one.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

COMMODITIES = {
    "sources": {"synthetic": "synthetic benchmark data (not real)"},
    "commodities": {
        "coal": {"unit": "PJ", "price": 3.0, "emission_factor": 0.0946, "sources": ["synthetic"]},
        "natural_gas": {"unit": "PJ", "price": {2025: 6.0, 2050: 8.0}, "emission_factor": 0.0561,
                        "sources": ["synthetic"]},
        "electricity": {"unit": "PJ", "price": 30.0, "scope2_factor": {2025: 0.13, 2040: 0.0},
                        "sources": ["synthetic"]},
        "hydrogen": {"unit": "PJ", "price": {2025: 25.0, 2050: 8.0}, "sources": ["synthetic"]},
        "biomass": {"unit": "PJ", "price": 6.0, "biogenic_factor": 0.1, "limit": 20000, "sources": ["synthetic"]},
        "co2_storage": {"unit": "MtCO2", "price": 20.0, "limit": {2025: 50, 2040: 5000},
                        "store_captured_co2": True, "sources": ["synthetic"]},
    },
}


def sector(index: int, techs: int, rng: random.Random) -> dict:
    name = f"sector{index}"
    demand = rng.uniform(100, 2000)
    fuels = ["coal", "natural_gas", "electricity", "hydrogen", "biomass"]
    technologies = {}
    for t in range(techs):
        kind = t % 3
        fuel = fuels[t % len(fuels)]
        spec: dict = {
            "name": f"Tech {t}", "lifetime": rng.choice([20, 25, 30, 40]),
            "capex": round(rng.uniform(100, 1500), 1), "fixed_om": round(rng.uniform(5, 60), 1),
            "variable_om": round(rng.uniform(1, 20), 1), "inputs": {fuel: round(rng.uniform(2, 15), 2)},
            "process_emissions": round(rng.uniform(0, 0.6), 3) if fuel in ("coal", "natural_gas") else 0.0,
            "utilisation": 0.9, "sources": ["synthetic"],
        }
        if kind == 0:
            spec["stock"] = [{"capacity": round(demand / (techs / 3) * 1.1, 1), "retire_between": [2026, 2060]}]
        elif kind == 1:
            spec["available_from"] = rng.choice([2026, 2028, 2030, 2035])
            spec["build_limit"] = {"growth": 0.25, "seed": round(demand * 0.01, 2)}
        else:
            spec["capture_rate"] = 0.9
            spec["available_from"] = 2028
            spec["max_share"] = 0.6
        technologies[f"t{t}"] = spec
    retrofits = {
        f"r{t}": {"from": f"t{t}", "to": f"t{t + 2}", "capex": 200.0, "available_from": 2030, "sources": ["synthetic"]}
        for t in range(0, techs - 2, 3)
    }
    return {
        "sector": name, "name": f"Synthetic {index}", "unit": "Mt", "sources": {"synthetic": "synthetic data"},
        "commodities": {"product": {"kind": "product", "unit": "Mt"}},
        "demand": {"product": {"default": "base", "variants": {"base": {
            "values": {2025: round(demand, 1), 2050: round(demand * 1.3, 1)}, "sources": ["synthetic"]}}}},
        "technologies": technologies, "retrofits": retrofits,
    }


def write_project(root: Path, sectors: int = 7, techs: int = 12, seed: int = 1) -> list[str]:
    """Write a synthetic project under `root`; return its sector names."""
    rng = random.Random(seed)
    (root / "models").mkdir(parents=True, exist_ok=True)
    (root / "scenarios").mkdir(parents=True, exist_ok=True)
    (root / "models" / "commodities.yaml").write_text(yaml.safe_dump(COMMODITIES, sort_keys=False))
    names = []
    for i in range(sectors):
        data = sector(i, techs, rng)
        names.append(data["sector"])
        (root / "models" / f"{data['sector']}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    scen = {"name": "synthetic", "discount_rate": 0.05,
            "budget": {"unit": "GtCO2", "sectors": {n: 25.0 for n in names}}}
    (root / "scenarios" / "synthetic.yaml").write_text(yaml.safe_dump(scen, sort_keys=False))
    return names
