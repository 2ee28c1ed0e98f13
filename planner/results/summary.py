"""The short summary printed after a run (rich tables; no Pyomo, only result tables)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from planner.data import ModelData
from planner.results.extract import Results, report_years


def print_summary(console: Console, d: ModelData, res: Results, headline: dict, timings: dict[str, float],
                  folder: str | None, names: dict[str, str]) -> None:
    """Status, cost, emissions against the budget, carbon price, production mix, calibration, timings."""
    currency = d.notes.get("currency", "USD")
    who = ", ".join(names.get(s, s) for s in d.sectors)
    console.print(f"[bold]{who}[/] under scenario [bold]{d.scenario}[/]: [green]optimal[/]")
    console.print(f"Total discounted cost: {res.objective / 1e3:,.1f} billion {currency} "
                  f"(present value in {d.years[0]}, {d.discount_rate:.1%} discount rate)")
    em = headline["emissions"]
    cp = headline["carbon_price"]
    t = Table(title="Emissions and carbon price", title_justify="left")
    t.add_column("year", justify="right")
    t.add_column("MtCO2/yr", justify="right")
    t.add_column(f"carbon price {currency}/tCO2", justify="right")
    for y in em:
        t.add_row(y, f"{round(em[y]):,}", f"{cp.get(y, 0.0):,.0f}")  # an int never prints as -0
    console.print(t)
    cum = headline["cumulative_emissions"] / 1000
    if d.budget_mt is not None:
        used = cum / (d.budget_mt / 1000) if d.budget_mt else float("nan")
        console.print(f"Cumulative emissions {d.budget_years[0]}-{d.end_year}: {cum:.2f} GtCO2 against a budget "
                      f"of {d.budget_mt / 1000:.2f} GtCO2 ({used:.0%} used)")
    else:
        console.print(f"Cumulative emissions {d.years[0]}-{d.end_year}: {cum:.2f} GtCO2 (no budget)")
    if d.budget_mt is not None:
        pv = res["prices"].query("name == 'carbon_price_pv'")["value"]
        first, last = next(iter(cp)), list(cp)[-1]
        console.print(f"Carbon price of the budget: {float(pv.iloc[0]):,.0f} {currency}/tCO2 in present value, "
                      f"{cp[first]:,.0f} in {first} rising to {cp[last]:,.0f} in {last}")
    elif any(cp.values()):
        console.print(f"Carbon price (scenario trajectory): {', '.join(f'{v:,.0f} in {y}' for y, v in cp.items())}"
                      f" {currency}/tCO2")
    else:
        console.print("Carbon price: none (no budget, no price trajectory)")
    console.print(_mix_table(d, res, names))
    cal = res["calibration"]
    if not cal.empty:
        c = Table(title="Calibration (first model year against published figures)", title_justify="left")
        for col in ("sector", "quantity", "model", "published", "unit", "deviation", "source"):
            c.add_column(col, justify="right" if col in ("model", "published", "deviation") else "left")
        for r in cal.itertuples():
            flag = "" if r.within else " [red](outside tolerance)[/]"
            c.add_row(r.sector, r.quantity, f"{r.model:,.0f}", f"{r.published:,.0f}", r.unit,
                      f"{r.deviation:+.1%}{flag}", f"{r.source_keys} ({r.data_year})")
        console.print(c)
    parts = " | ".join(f"{k} {timings[k]:.2f} s" for k in ("load", "build", "transfer", "solve", "write")
                       if k in timings)
    console.print(f"Timings: {parts}")
    if folder:
        console.print(f"Results written to {folder}")


def _mix_table(d: ModelData, res: Results, names: dict[str, str]) -> Table:
    """Output by technology in 2030 and 2050, with its share of the commodity it makes."""
    years = report_years(d, (2030, 2050))
    prod = res["production"]
    t = Table(title="Production mix", title_justify="left")
    t.add_column("sector")
    t.add_column("makes")
    t.add_column("technology")
    for y in years:
        t.add_column(str(y), justify="right")
        t.add_column("share", justify="right")
    p = prod[prod.year.isin(years)]
    if p.empty:
        return t
    wide = p.pivot_table(index=["sector", "output", "technology"], columns="year", values="value", aggfunc="sum",
                         fill_value=0.0)
    totals = wide.groupby(level=["sector", "output"]).sum()
    last = years[-1] if years[-1] in wide.columns else wide.columns[-1]
    wide = wide.assign(_key=wide[last]).sort_values(["sector", "output", "_key"], ascending=[True, True, False])
    for (s, out, k), row in wide.drop(columns="_key").iterrows():
        cells = []
        for y in years:
            v = row.get(y, 0.0)
            tot = totals.at[(s, out), y] if y in totals.columns else 0.0
            cells += [f"{v:,.0f}" if v > 0.5 else "", f"{v / tot:.0%}" if tot and v > 0.5 else ""]
        if any(cells):
            t.add_row(names.get(s, s), out, k, *cells)
    return t

