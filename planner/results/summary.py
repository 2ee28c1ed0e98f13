"""The short summary printed after a run (rich tables; no Pyomo, only result tables)."""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from planner.console import FoldedTable
from planner.data import ModelData
from planner.results.extract import Results, report_years


def print_summary(console: Console, d: ModelData, res: Results, headline: dict, timings: dict[str, float],
                  folder: str | None, names: dict[str, str], method: dict | None = None) -> None:
    """Status, cost, emissions against the budget, carbon price, production mix, calibration, timings."""
    currency = d.notes.get("currency", "USD")
    who = ", ".join(names.get(s, s) for s in d.sectors)
    console.print(f"[bold]{who}[/] under scenario [bold]{d.scenario}[/]: [green]optimal[/]")
    console.print(f"Total discounted cost: {res.objective / 1e3:,.1f} billion {currency} "
                  f"(present value in {d.years[0]}, {d.discount_rate:.1%} discount rate)")
    em = headline["emissions"]
    cp = headline["carbon_price"]
    t = FoldedTable(title="Emissions and carbon price", title_justify="left")
    counted = headline.get("emissions_counted", em)
    differ = any(abs(counted[y] - em[y]) > 1e-6 for y in em)
    t.add_column("year", justify="right")
    t.add_column("MtCO2/yr", justify="right")
    if differ:
        t.add_column("counted Mt/yr", justify="right")
    t.add_column(f"carbon price {currency}/tCO2", justify="right")
    for y in em:  # an int never prints as -0
        t.add_row(y, f"{round(em[y]):,}", *([f"{round(counted[y]):,}"] if differ else []), f"{cp.get(y, 0.0):,.0f}")
    console.print(t)
    cum = headline["cumulative_emissions"] / 1000
    acc = d.accounting()
    gt = "GtCO2e" if acc["unit"] == "MtCO2e" else "GtCO2"
    console.print(f"Counted under the budget, caps and carbon price: {acc['text']}")
    if d.budget_mt is not None:
        used = cum / (d.budget_mt / 1000) if d.budget_mt else float("nan")
        console.print(f"Cumulative emissions {d.budget_years[0]}-{d.end_year}: {cum:.2f} {gt} against a budget "
                      f"of {d.budget_mt / 1000:.2f} {gt} ({used:.0%} used)")
        if res.overshoot:
            over = sum(res.overshoot.values()) / 1000
            console.print(f"[red]The budget is overshot by {over:.2f} GtCO2[/]: no plan within the scenario's "
                          f"physical and dynamics limits reaches it (soft budget, penalty "
                          f"{d.budget_penalty:,.0f} {currency}/tCO2 in present value, not counted as cost)")
    else:
        console.print(f"Cumulative emissions {d.years[0]}-{d.end_year}: {cum:.2f} {gt} (no budget)")
    first = d.budget_years[0] if d.budget_years else d.years[0]
    if abs(headline.get("downstream_emissions", 0.0)) > 1e-6:
        note = ("included in the cumulative emissions above" if d.downstream_in_budget
                else "reported, not counted under the budget")
        console.print(f"Carbon held in products and released downstream {first}-{d.end_year}: "
                      f"{headline['downstream_emissions'] / 1000:.2f} GtCO2 ({note}; emissions.csv `downstream`)")
    if abs(headline.get("held_in_products", 0.0)) > 1e-6:
        console.print(f"Fossil carbon that stays held in products (landfill, long-lived stock) {first}-{d.end_year}: "
                      f"{headline['held_in_products'] / 1000:.2f} GtCO2 "
                      "(not emitted, not counted; emissions.csv `held`)")
    path = ", ".join(f"{v:,.0f} in {y}" for y, v in cp.items())
    if "all" in d.budget_rows:
        pv = res["prices"].query("name == 'carbon_price_pv'")["value"]
        first, last = next(iter(cp)), list(cp)[-1]
        console.print(f"Carbon price of the budget: {float(pv.iloc[0]):,.0f} {currency}/tCO2 in present value, "
                      f"{cp[first]:,.0f} in {first} rising to {cp[last]:,.0f} in {last}")
    elif d.budget_rows:
        console.print("Each sector keeps its own budget (mode shares): its own carbon price is in the table below.")
    elif any(cp.values()):
        cap = " (mode price: no cap, the budget is a yardstick)" if d.budget_mode == "price" else ""
        console.print(f"Carbon price (scenario trajectory){cap}: {path} {currency}/tCO2")
    else:
        console.print("Carbon price: none (no budget, no price trajectory)")
    if "budget_shares" in res.tables and (len(d.sectors) > 1 or d.budget_mt is not None):
        console.print(_sharing_table(d, res, names))
        _print_split_cost(console, d, res)
    console.print(_mix_table(d, res, names))
    if not res["milestones"].empty:
        console.print(_milestone_table(d, res))
    cal = res["calibration"]
    if not cal.empty:
        c = FoldedTable(title="Calibration (first model year against published figures)", title_justify="left")
        for col in ("sector", "quantity", "model", "published", "unit", "deviation", "source"):
            c.add_column(col, justify="right" if col in ("model", "published", "deviation") else "left")
        for r in cal.itertuples():
            flag = "" if r.within else " [red](outside tolerance)[/]"
            c.add_row(r.sector, r.quantity, f"{r.model:,.0f}", f"{r.published:,.0f}", r.unit,
                      f"{r.deviation:+.1%}{flag}", f"{r.source_keys} ({r.data_year})")
        console.print(c)
    if "diagnostics" in res.tables:
        _print_diagnostics(console, res["diagnostics"], names)
    if not res.tables.get("published", pd.DataFrame()).empty:
        _print_published(console, res["published"], names)
    if "realism" in res.tables:
        _print_realism(console, d, res)
    if method:
        console.print(f"Solved as {len(d.sectors)} sector LPs in {method['workers']} worker process"
                      f"{'es' if method['workers'] > 1 else ''} ({', '.join('+'.join(g) for g in method['groups'])}): "
                      f"{method['iterations']} price rounds over {len(method['coupled_rows'])} shared rows, "
                      f"optimality gap {method['gap']:.1e}")
    shown = ("load", "history", "build", "transfer", "setup", "solve", "mix", "reference_solve",
             "unconstrained_solve", "write")
    parts = " | ".join(f"{k} {timings[k]:.2f} s" for k in shown if k in timings)
    console.print(f"Timings: {parts}")
    if folder:
        console.print(f"Results written to {folder}")


def _print_diagnostics(console: Console, diag: pd.DataFrame, names: dict[str, str], show: int = 12) -> None:
    """The plan's self-check: a line if clean, else its findings (most severe first)."""
    if diag.empty:
        console.print("Self-check: [green]clean[/] (no emissions drop, churn, idle or excess capacity, sales jump "
                      "or cost swing beyond the scenario's thresholds)")
        return
    counts = diag.severity.value_counts()
    text = ", ".join(f"{counts[s]} {s}" for s in ("high", "medium", "low") if s in counts)
    t = FoldedTable(title=f"Self-check: {text} (diagnostics.csv)", title_justify="left")
    for col in ("severity", "kind", "sector", "technology", "years", "finding"):
        t.add_column(col)
    colour = {"high": "red", "medium": "yellow", "low": "white"}
    for r in diag.head(show).itertuples():
        t.add_row(f"[{colour[r.severity]}]{r.severity}[/]", r.kind, names.get(r.sector, r.sector), r.technology,
                  r.years, r.message)
    console.print(t)
    if len(diag) > show:
        console.print(f"... and {len(diag) - show} more in diagnostics.csv")


def _print_published(console: Console, pub: pd.DataFrame, names: dict[str, str], show: int = 8) -> None:
    """The plan beside published pathways: counts by status and the largest unexplained gaps."""
    counts = pub.status.value_counts()
    text = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("within", "explained", "outside"))
    gaps = pub[pub.status == "outside"]
    if gaps.empty:
        console.print(f"Published pathways: {len(pub)} outcomes compared, {text} (published.csv)")
        return
    t = FoldedTable(title=f"Published pathways: {len(pub)} outcomes compared, {text} (published.csv)",
              title_justify="left")
    for col in ("sector", "outcome", "year", "published", "plan", "unit", "ratio"):
        t.add_column(col, justify="right" if col in ("published", "plan", "ratio") else "left")
    for r in gaps.head(show).itertuples():
        t.add_row(names.get(r.sector, r.sector), f"{r.metric} ({r.pathway})", str(r.year), f"{r.published:,.3g}",
                  f"{r.plan:,.3g}", r.unit, "n/a" if pd.isna(r.ratio) else f"[red]{r.ratio:.2f}[/]")
    console.print(t)
    if len(gaps) > show:
        console.print(f"... and {len(gaps) - show} more outside the band in published.csv")


def _print_realism(console: Console, d: ModelData, res: Results) -> None:
    """What the realistic dynamics cost against the plan without them."""
    r = res["realism"]
    tot = r[r.sector == "total"].set_index("quantity")
    if "cost_pv" not in tot.index:
        return
    currency = d.notes.get("currency", "USD")
    cost = tot.loc["cost_pv"]
    console.print(f"Price of realism: the realistic dynamics cost {cost.difference / 1000:,.1f} billion {currency} "
                  f"(PV, {cost.difference / cost.unconstrained:+.2%}) more than the plan without them; "
                  f"high-severity findings {tot.loc['high_diagnostics'].realistic:.0f} against "
                  f"{tot.loc['high_diagnostics'].unconstrained:.0f} (realism.csv)")


def _sharing_table(d: ModelData, res: Results, names: dict[str, str]) -> Table:
    """Per sector and in total: cumulative emissions, budget, implied shares, cost, carbon price."""
    currency = d.notes.get("currency", "USD")
    wide = res["budget_shares"].pivot(index="sector", columns="quantity", values="value")
    first = d.budget_years[0] if d.budget_years else d.years[0]
    t = FoldedTable(title=f"Budget sharing ({d.budget_mode or 'no budget'}), {first}-{d.end_year}",
                    title_justify="left")
    cols = [("cumulative_emissions", "GtCO2", lambda v: f"{v / 1000:,.2f}"),
            ("budget", "own budget Gt", lambda v: f"{v / 1000:,.2f}"),
            ("share_of_run_budget", "share of run budget", lambda v: f"{v:.1%}"),
            ("share_of_global_budget", "share of global", lambda v: f"{v:.1%}"),
            ("cost_pv", f"cost bn {currency} (PV)", lambda v: f"{v / 1000:,.0f}"),
            ("carbon_price_pv", f"carbon price {currency}/t (PV)", lambda v: f"{v:,.0f}"),
            ("cumulative_emissions_optimal", "GtCO2 if optimal", lambda v: f"{v / 1000:,.2f}"),
            ("cost_pv_optimal", f"cost if optimal bn {currency}", lambda v: f"{v / 1000:,.0f}")]
    cols = [c for c in cols if c[0] in wide.columns]
    t.add_column("sector")
    for _key, label, _fmt in cols:
        t.add_column(label, justify="right")
    order = [s for s in d.sectors if s in wide.index] + ["total"]
    for s in order:
        row = wide.loc[s]
        t.add_row(names.get(s, s), *[fmt(row[key]) if row[key] == row[key] else "" for key, _l, fmt in cols])
    return t


def _print_split_cost(console: Console, d: ModelData, res: Results) -> None:
    """What a fixed split of the budget costs against the optimal one."""
    b = res["budget_shares"]
    extra = b[(b.sector == "total") & (b.quantity == "cost_of_fixed_split")]["value"]
    if extra.empty:
        return
    base = float(b[(b.sector == "total") & (b.quantity == "cost_pv_optimal")]["value"].iloc[0])
    currency = d.notes.get("currency", "USD")
    console.print(f"The fixed split costs {float(extra.iloc[0]) / 1000:,.1f} billion {currency} more than the optimal "
                  f"split of the same {d.budget_mt / 1000:.1f} GtCO2 ({float(extra.iloc[0]) / base:+.2%}).")


def _milestone_table(d: ModelData, res: Results) -> Table:
    """Each milestone: years, bound, value reached, status, and what one step tighter costs in its
    costliest year (a percentage point for shares, 1% of the bound otherwise; million USD of that year)."""
    currency = d.notes.get("currency", "USD")
    ms = res["milestones"]
    t = FoldedTable(title="Milestones", title_justify="left",
              caption=f"step: 1 percentage point for shares, 1% of the bound otherwise; million {currency}")
    for col in ("milestone", "metric", "years", "bound", "value", "status", "step costs"):
        t.add_column(col, justify="right" if col in ("bound", "value", "step costs") else "left")
    for (name, sense), g in ms.groupby(["name", "sense"], sort=False):
        g = g.sort_values("year")
        worst = g.iloc[int(g["dual"].abs().argmax())]
        statuses = set(g.status)
        years = f"{g.year.min()}" if len(g) == 1 else f"{g.year.min()}-{g.year.max()}"
        status = next(s for s in ("violated", "binding", "met") if s in statuses or s == "met")
        style = {"violated": "[red]violated[/]", "binding": "[yellow]binding[/]", "met": "[green]met[/]"}[status]
        share = worst.unit == "fraction"
        fmt = (lambda v: f"{v:.1%}") if share else (lambda v: f"{v:,.3g}")
        step = worst.dual * (0.01 if share else 0.01 * abs(d.milestones[name]["bounds"][sense][int(worst.year)]))
        t.add_row(f"{name} ({worst.sector})", f"{worst.metric} ({worst.unit})", years, f"{sense} {fmt(worst.bound)}",
                  fmt(worst.value), style, f"{step:,.1f}" if abs(step) > 1e-9 else "")
    return t


def _mix_table(d: ModelData, res: Results, names: dict[str, str]) -> Table:
    """Output by technology in 2030 and 2050, with its share of the commodity it makes."""
    years = report_years(d, (2030, 2050))
    prod = res["production"]
    t = FoldedTable(title="Production mix", title_justify="left")
    t.add_column("sector")
    t.add_column("makes")
    t.add_column("technology")
    t.add_column("unit")
    for y in years:
        t.add_column(str(y), justify="right")
        t.add_column("share", justify="right")
    p = prod[prod.year.isin(years)]
    if p.empty:
        return t
    unit = {(s, k): u for s, k, u in zip(p.sector, p.technology, p.unit)}
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
            t.add_row(names.get(s, s), out, k, f"{unit.get((s, k), '')}/yr", *cells)
    return t

