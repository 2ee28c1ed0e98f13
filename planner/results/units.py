"""Display units of per-unit metrics, from a sector's activity unit.

Model money is million USD and emissions MtCO2, so a cost per unit of activity is million USD
per Mt (= USD/t), per Gtkm (= USD per 1000 tkm) or per billion RPK (= USD per 1000 RPK), and an
intensity is MtCO2 per Mt (= tCO2/t), per Gtkm (= kgCO2/tkm) or per billion RPK (= kgCO2/RPK).
"""

from __future__ import annotations

_PER_UNIT = {
    "Mt": ("t", "tCO2/t"),
    "PJ": ("GJ", "tCO2/GJ"),
    "Gtkm": ("1000 tkm", "kgCO2/tkm"),
    "billion RPK": ("1000 RPK", "kgCO2/RPK"),
    "billion pkm": ("1000 pkm", "kgCO2/pkm"),
    "MtCO2": ("tCO2", "tCO2/tCO2"),
}


def cost_unit(activity_unit: str, currency: str = "USD") -> str:
    """Unit of a cost per unit of activity (million currency per activity unit)."""
    per = _PER_UNIT.get(activity_unit)
    return f"{currency}/{per[0]}" if per else f"million {currency}/{activity_unit}"


def intensity_unit(activity_unit: str) -> str:
    """Unit of an emission intensity (MtCO2 per activity unit)."""
    per = _PER_UNIT.get(activity_unit)
    return per[1] if per else f"MtCO2/{activity_unit}"
