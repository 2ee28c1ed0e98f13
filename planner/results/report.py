"""The roadmap report of a run: one self-contained HTML file and a Markdown file, with charts.

Written into the run's folder: `report.html` (charts embedded as PNG), `report.md` (charts linked
from `charts/`), and `charts/*.png|svg`. Everything is read from the folder (folder.read_run), so a
report can be made again later, elsewhere, from the files alone. The numbers are those of
roadmap.headline and roadmap.sector_milestones; their sources are the run's tables.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from planner.results.charts import draw_all
from planner.results.folder import RunFolder, read_run
from planner.results.report_regions import region_view, regions_chart, trade_view
from planner.results.report_tables import assumption_views, drivers_view, sources_view
from planner.results.report_tracking import replan_view, tracking_chart, tracking_view
from planner.results.roadmap import headline, number, pick_years, sector_milestones, technology_economics
from planner.results.surprises import NOTE as SURPRISES_NOTE
from planner.results.surprises import within_run
from planner.results.write import atomic_text

CAPTIONS = {
    "production_mix": "Output of each final product by technology, coloured by family (unabated fossil browns, "
                      "with capture purples, hydrogen blues, electric ambers, bio greens, e-fuels pinks, recycling "
                      "teals, other greys); a technology keeps its colour in every chart.",
    "intermediates_mix": "Intermediates made inside the sectors (clinker, alumina, ship and jet fuels) by technology.",
    "emissions": "Left: annual emissions by sector (scope 1, net of capture) and the straight line that would spend "
                 "the same budget. Right: cumulative emissions against the budget.",
    "capacity_additions": "New capacity built each year, by technology (technologies with a capital cost).",
    "investment": "Capital spent each year on new capacity and retrofits, by sector (undiscounted).",
    "carbon_price": "The carbon price: the budget's shadow price in each year (present value grows at the discount "
                    "rate), plus any exogenous price of the scenario.",
    "resources": "Energy and resources used by the sectors each year.",
    "macc_2030": "Marginal abatement cost curve of 2030: each near-zero technology the plan runs, its abatement "
                 "against the incumbent of its output (width) and its cost per tonne avoided (height); options that "
                 "are not near-zero are named in the footnote.",
    "macc_2050": "Marginal abatement cost curve of 2050 (as for 2030).",
    "regions": "Left: emissions by region (scope 1, net of capture). Right: net imports of each traded good by region "
               "in the last year (negative: the region exports more than it imports).",
    "tracking": "Each figure tracked (tracking.csv): the plan's path, the actuals coloured by status (behind, on "
                "track, ahead) and a milestone's bound in its year.",
}
FILES = {
    "emissions.csv": "emissions per sector and year (MtCO2; captured, scope 2, carbon released downstream from "
                     "products and carbon held in them, other gases in CO2e and what the budget counts beside)",
    "captured_co2.csv / other_emissions.csv": "captured CO2 stored or used as a feedstock; non-CO2 gases "
                                               "(Mt and CO2e at GWP100)",
    "production.csv / capacity.csv / new_capacity.csv / retired_capacity.csv": "the pathway per technology",
    "lcop.csv": "levelized cost of product per technology and year, by component",
    "green_premium.csv": "each technology against its output's incumbent: premium and abatement cost",
    "macc.csv": "realised abatement and its cost per technology and year",
    "investment.csv / stranded_assets.csv / plants.csv": "capex per year; early retirements and their "
                                                          "undepreciated value; capacity in typical plants",
    "resources.csv / intensity.csv": "electricity, hydrogen, biomass, fossil fuels, CO2; intensity per product",
    "milestones.csv / budget_shares.csv / prices.csv": "milestone status and duals; budget per sector; prices",
    "iamc.csv / iamc.xlsx / iamc_planner.csv": "the IAMC tables: IAMC common-definitions names and units, and "
                                               "planner's own detail (models/iamc codelist); load in pyam",
    "diagnostics.csv / realism.csv": "the plan's self-check (one row per finding); with dynamics.reference, "
                                     "the plan against the same run without the dynamics limits",
    "published.csv": "the plan beside published pathways (IEA NZE, MPP, sector bodies): published value, "
                     "plan, ratio and whether a stated reason explains a gap",
    "capacity_by_cohort.csv": "capacity of every vintage in service per year",
    "drivers.csv": "the binding limits ranked by what loosening each by 1% would save (from the duals)",
    "assumptions.csv / sources.csv": "demand, prices, budget, limits and the scenario's changes to its base, "
                                     "each with its source keys; the citation of every key",
    "activity_by_cohort.csv": "output of every vintage of the technologies whose inputs follow the vintage",
}


@dataclass
class Report:
    """Paths of a written report."""

    html: Path
    markdown: Path
    charts: dict[str, list[Path]]
    headline: dict


def make_report(folder: Path | str, out: Path | None = None) -> Report:
    """Write the report of the run in `folder` (into `out`, default the folder itself)."""
    run = read_run(folder)
    out = Path(out) if out else run.path
    out.mkdir(parents=True, exist_ok=True)
    charts = draw_all(run, out / "charts")
    drawn = regions_chart(run, out / "charts")
    if drawn:
        charts["regions"] = drawn
    drawn = tracking_chart(run, out / "charts")
    if drawn:
        charts["tracking"] = drawn
    head = headline(run)
    context = _context(run, head, charts, out)
    env = Environment(loader=PackageLoader("planner.results", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=False)
    html = env.get_template("report.html.j2").render(**context, mode="html")
    md = env.get_template("report.md.j2").render(**context, mode="md")
    _write(out / "report.html", html)
    _write(out / "report.md", md)
    return Report(out / "report.html", out / "report.md", charts, head)


def _write(path: Path, text: str) -> None:
    atomic_text(path, text)


def _context(run: RunFolder, head: dict, charts: dict[str, list[Path]], out: Path) -> dict:
    names = ", ".join(run.sector_name(s) for s in run.sectors)
    rec = run.record
    sectors = []
    for s in run.sectors:
        table = sector_milestones(run, s)
        econ = technology_economics(run, s)
        sectors.append({"name": run.sector_name(s), "table_html": _html(table, first_is_label=True),
                        "table_md": _md(table), "economics_html": _html(econ) if not econ.empty else "",
                        "economics_md": _md(econ) if not econ.empty else ""})
    ms = milestone_table(run)
    shares = shares_table(run)
    check, check_note = selfcheck_table(run)
    pub, pub_note = published_summary(run)
    realism, realism_note = realism_summary(run)
    drivers, drivers_note = drivers_view(run)
    assumptions = [{**v, "html": _html(v["table"]) if not v["table"].empty else "",
                    "md": _md(v["table"]) if not v["table"].empty else ""} for v in assumption_views(run)]
    sources = sources_view(run)
    regions = region_view(run)
    flows, net = trade_view(run)
    tracked, tracked_note = tracking_view(run)
    replanned, replan_note = replan_view(run)
    chart_list = []
    for key, files in charts.items():
        png = next(p for p in files if p.suffix == ".png")
        chart_list.append({"title": key.replace("_", " "), "caption": CAPTIONS.get(key, ""),
                           "data": base64.b64encode(png.read_bytes()).decode("ascii"),
                           "path": os.path.relpath(png, out)})
    desc = rec.get("description") or ""
    sub = (f"Scenario '{rec.get('scenario')}'" + (f": {desc.rstrip('. ')}" if desc else "")
           + f". Solved {rec.get('status')}, "
           f"{rec.get('solution_method', {}).get('method', '')}; money in {run.currency} (real), discount rate "
           f"{100 * float(rec.get('discount_rate') or 0):.0f}%.")
    return {
        "title": f"Net-zero roadmap: {names}", "subtitle": sub, "cards": cards(run, head), "sectors": sectors,
        "milestones_html": _html(ms, status_col="status") if not ms.empty else "",
        "milestones_md": _md(ms) if not ms.empty else "",
        "shares_html": _html(shares) if shares is not None else "", "shares_md": _md(shares) if shares is not None
        else "", "selfcheck_note": check_note, "selfcheck_html": _html(check) if not check.empty else "",
        "selfcheck_md": _md(check) if not check.empty else "", "realism_note": realism_note,
        "published_note": pub_note, "published_html": _html(pub, status_col="status") if not pub.empty else "",
        "published_md": _md(pub) if not pub.empty else "",
        "realism_html": _html(realism) if realism is not None else "",
        "realism_md": _md(realism) if realism is not None else "", "charts": chart_list, "method": method_lines(run),
        "drivers_note": drivers_note, "drivers_html": _html(drivers) if not drivers.empty else "",
        "drivers_md": _md(drivers) if not drivers.empty else "", "assumptions": assumptions,
        "surprises": within_run(run), "surprises_note": SURPRISES_NOTE,
        "sources_html": _html(sources) if not sources.empty else "", "sources_md": _md(sources) if not sources.empty
        else "",
        "toc": [("headline", "Headline"), ("milestones", "2030 / 2040 / 2050"),
                ("scenario-milestones", "Scenario milestones"), ("drivers", "What drives it")]
        + ([("budget", "Budget")] if shares is not None else [])
        + ([("regions", "Regions and trade")] if not regions.empty else [])
        + ([("tracking", "Tracking")] if not tracked.empty or not replanned.empty else [])
        + [("self-check", "Self-check"), ("published", "Published pathways"), ("economics", "Technology economics"),
           ("charts", "Charts"), ("assumptions", "Assumptions"), ("method", "Method")],
        "regions_html": _html(regions, first_is_label=True) if not regions.empty else "",
        "regions_md": _md(regions) if not regions.empty else "",
        "flows_html": _html(flows) if not flows.empty else "", "flows_md": _md(flows) if not flows.empty else "",
        "net_html": _html(net, first_is_label=True) if not net.empty else "",
        "net_md": _md(net) if not net.empty else "",
        "region_set": (run.record.get("regions") or {}).get("set", ""),
        "replan_note": replan_note, "replan_html": _html(replanned) if not replanned.empty else "",
        "replan_md": _md(replanned) if not replanned.empty else "",
        "tracking_note": tracked_note, "tracking_html": _html(tracked, status_col="status") if not tracked.empty
        else "", "tracking_md": _md(tracked) if not tracked.empty else "",
        "version": _version(), "folder": str(run.path), "today": dt.date.today().isoformat(),
    }


def cards(run: RunFolder, h: dict) -> list[dict]:
    """The headline numbers as (key, value, note) cards."""
    cur = h["currency"]
    em = h["emissions_mt"]
    years = sorted(em)
    first = years[0]
    out = []
    span = h["budget_years"]
    gt, counted = h.get("counted_unit", "GtCO2"), h.get("counted", "CO2 only")
    if h["budget_gt"]:
        out.append({"key": f"Cumulative emissions {span[0]}-{span[1]}", "value": f"{h['cumulative_emissions_gt']:,.1f} "
                    f"{gt}", "note": f"{100 * h['budget_used']:.0f}% of the {h['budget_gt']:,.1f} {gt} budget; "
                    f"counted: {counted}"})
    else:
        out.append({"key": f"Cumulative emissions {span[0]}-{span[1]}",
                    "value": f"{h['cumulative_emissions_gt']:,.1f} {gt}",
                    "note": f"no carbon budget in this run; counted: {counted}"})
    for y in years[1:]:
        ch = h["emissions_change"].get(y)
        out.append({"key": f"Emissions {y}", "value": f"{em[y]:,.0f} MtCO2",
                    "note": f"{100 * ch:+.0f}% from {first} ({em[first]:,.0f} Mt)" if ch is not None else ""})
    cp = h["carbon_price"]
    own = h["sector_carbon_price"]
    for y in years[1:]:
        if not (y in (2030, 2050) or y == years[-1]):
            continue
        if own:
            lo, hi = min(v[y] for v in own.values()), max(v[y] for v in own.values())
            each = ", ".join(f"{run.sector_name(s)} {v[y]:,.0f}" for s, v in own.items())
            out.append({"key": f"Carbon prices {y}", "value": f"{lo:,.0f}-{hi:,.0f} {cur}/tCO2",
                        "note": f"each sector's own budget price: {each}"})
        else:
            out.append({"key": f"Carbon price {y}", "value": f"{cp[y]:,.0f} {cur}/tCO2",
                        "note": "shadow price of the budget" if h["budget_gt"] else "the scenario's price"})
    out.append({"key": "Total cost, discounted", "value": f"{number(h['total_cost_bn'])} bn {cur}",
                "note": f"present value in {first}: capex, O&M, fuels and materials, any exogenous carbon price"})
    if h["cost_of_fixed_split_bn"] is not None:
        out.append({"key": "Cost of the fixed split", "value": f"{number(h['cost_of_fixed_split_bn'])} bn {cur}",
                    "note": "each sector held to its own budget, against sharing the same total optimally"})
    share = h["investment_near_zero_bn"] / h["investment_bn"] if h["investment_bn"] else 0.0
    out.append({"key": f"Investment {span[0]}-{span[1]}", "value": f"{number(h['investment_bn'])} bn {cur}",
                "note": f"{100 * share:.0f}% in near-zero technologies"})
    stranded = ", ".join(f"{number(v)} {u}" for u, v in h["stranded_capacity"].items()) or "none"
    out.append({"key": "Stranded assets", "value": f"{number(h['stranded_value_bn'])} bn {cur}",
                "note": f"undepreciated value of capacity retired early ({stranded})"})
    last = pick_years(run)[-1] if pick_years(run) else years[-1]
    for name, by_y in h["resources"].items():
        label, unit = name.split(" (", 1)
        unit = unit.rstrip(")").removesuffix("/yr")
        out.append({"key": f"{label} {last}", "value": f"{number(by_y.get(last, 0.0))} {unit}",
                    "note": "per year; " + ", ".join(f"{y}: {number(v)}" for y, v in by_y.items() if y != last)})
    ms = h["milestones"]
    if ms:
        out.append({"key": "Scenario milestones", "value": f"{sum(ms.values())} rows",
                    "note": ", ".join(f"{v} {k}" for k, v in sorted(ms.items()))})
    return out


def milestone_table(run: RunFolder) -> pd.DataFrame:
    """The scenario's milestones: each in its first year and in 2030 / 2040 / 2050."""
    ms = run["milestones"]
    if ms.empty:
        return pd.DataFrame()
    keep = set(pick_years(run))
    firsts = ms.groupby("name")["year"].transform("min")
    ms = ms[(ms.year == firsts) | ms.year.isin(keep)]
    rows = []
    for r in ms.itertuples():
        sense = ">=" if r.sense == "min" else "<="
        rows.append({"milestone": r.name, "sector": run.sector_name(r.sector) if r.sector != "all" else "all",
                     "year": r.year, "metric": r.metric, "bound": f"{sense} {_shown(r.bound, r.unit)}",
                     "plan": _shown(r.value, r.unit), "status": r.status,
                     "cost of a tighter bound (in that year)": _tighter(r, run.currency)})
    return pd.DataFrame(rows)


def _shown(v: float, unit: str) -> str:
    return f"{100 * v:.1f}%" if unit == "fraction" else f"{number(v)} {unit}"


def _tighter(r: object, currency: str) -> str:
    """What one percentage point (shares) or 1% of the bound (other metrics) tighter costs."""
    per_unit = getattr(r, "dual_per_unit", None)
    if r.status == "met" or per_unit is None or pd.isna(per_unit):  # type: ignore[attr-defined]
        return ""
    if r.unit == "fraction":  # type: ignore[attr-defined]
        cost, step = abs(per_unit) * 0.01, "percentage point"
    else:
        cost, step = abs(per_unit) * 0.01 * abs(r.bound), "1% of the bound"  # type: ignore[attr-defined]
    text = f"{number(cost / 1000)} bn {currency} per {step}"
    return text + " (its soft penalty)" if r.status == "violated" else text  # type: ignore[attr-defined]


def shares_table(run: RunFolder) -> pd.DataFrame | None:
    """budget_shares.csv as one row per sector (multi-sector runs only)."""
    bs = run.tables.get("budget_shares")
    if bs is None or bs.empty or len(run.sectors) < 2:
        return None
    wide = bs.pivot_table(index="sector", columns="quantity", values="value", aggfunc="first")
    order = [s for s in [*run.sectors, "total"] if s in wide.index]
    wide = wide.loc[order]
    out = pd.DataFrame({"sector": [run.sector_name(s) if s != "total" else "total" for s in order]})
    if "cumulative_emissions" in wide:
        out["cumulative emissions (GtCO2)"] = [f"{v / 1000:,.1f}" for v in wide["cumulative_emissions"]]
    for col, label in (("share_of_run_budget", "share of the run's budget"),
                       ("share_of_global_budget", "share of the global remaining budget")):
        if col in wide:
            out[label] = [f"{100 * v:.1f}%" if pd.notna(v) else "" for v in wide[col]]
    if "carbon_price_pv" in wide:
        out[f"carbon price, PV ({run.currency}/tCO2)"] = [f"{v:,.0f}" if pd.notna(v) else ""
                                                        for v in wide["carbon_price_pv"]]
    if "cost_pv" in wide:
        out[f"cost, discounted (bn {run.currency})"] = [f"{v / 1000:,.0f}" for v in wide["cost_pv"]]
    if "cumulative_emissions_optimal" in wide:
        out["optimal split: emissions (GtCO2)"] = [f"{v / 1000:,.1f}" for v in wide["cumulative_emissions_optimal"]]
    if "cost_of_fixed_split" in wide:
        out[f"cost of the fixed split (bn {run.currency})"] = [f"{v / 1000:+,.0f}" if pd.notna(v) else ""
                                                             for v in wide["cost_of_fixed_split"]]
    return out


def selfcheck_table(run: RunFolder) -> tuple[pd.DataFrame, str]:
    """The findings of diagnostics.csv, most severe first, and a sentence on what was checked."""
    diag = run.tables.get("diagnostics")
    checked = ("emissions falling faster than the scenario's threshold, capacity built and scrapped young (churn), "
               "young capacity left idle, capacity far above what its output needs, a technology's share of its "
               "group's new build jumping, and swings in the marginal cost of products")
    if diag is None:
        return pd.DataFrame(), "This run was written before the self-check existed; run it again to check it."
    if diag.empty:
        return pd.DataFrame(), f"The plan passes every check: {checked}."
    counts = diag.severity.value_counts()
    text = ", ".join(f"{counts[s]} {s}-severity" for s in ("high", "medium", "low") if s in counts)
    names = {s: run.sector_name(s) for s in run.sectors}
    out = pd.DataFrame({"severity": diag.severity, "check": diag.kind,
                        "sector": [names.get(s, s) for s in diag.sector],
                        "technology": diag.technology.fillna(""), "years": diag.years.astype(str),
                        "finding": diag.message})
    return out, (f"The run checks its own plan for {checked} (thresholds in the scenario's `diagnostics`). "
                 f"Findings: {text}. Each is an artefact a sector expert would question before using the plan.")


def published_summary(run: RunFolder) -> tuple[pd.DataFrame, str]:
    """published.csv as a table (disagreements first) and a sentence on what it compares."""
    pub = run.tables.get("published")
    if pub is None:
        return pd.DataFrame(), "This run was written before the published comparison existed; run it again."
    if pub.empty:
        return pd.DataFrame(), ("No published outcome of these sectors falls in the horizon "
                                "(models/published/<sector>.yaml).")
    counts = pub.status.value_counts()
    names = {s: run.sector_name(s) for s in run.sectors}
    out = pd.DataFrame({
        "sector": [names.get(s, s) for s in pub.sector], "outcome": pub.name, "year": pub.year.astype(str),
        "pathway": pub.pathway, "published": [f"{v:,.3g}" for v in pub.published],
        "plan": [f"{v:,.3g}" for v in pub.plan], "unit": pub.unit,
        "ratio": ["" if pd.isna(r) else f"{r:.2f}" for r in pub.ratio], "status": pub.status,
        "reason": ["" if pd.isna(r) else str(r) for r in pub.reason], "sources": pub.sources})
    return out, (f"The plan beside {len(pub)} published outcomes: {counts.get('within', 0)} within the scenario's "
                 f"band of the published value (plan / published, `diagnostics.published`), "
                 f"{counts.get('explained', 0)} outside it for a stated reason, {counts.get('outside', 0)} outside "
                 "it with no reason given. Sources are cited in models/published/.")


def realism_summary(run: RunFolder) -> tuple[pd.DataFrame | None, str]:
    """realism.csv as a table (run with `dynamics: {reference: true}`), and the cost in a sentence."""
    r = run.tables.get("realism")
    if r is None or r.empty:
        return None, ""
    cur = run.currency
    labels = {"cost_pv": f"cost, bn {cur} (PV)", "cumulative_emissions": "cumulative emissions, GtCO2",
              "carbon_price_pv": f"carbon price, {cur}/t (PV)", "investment": f"investment, bn {cur}",
              "stranded_value": f"stranded value, bn {cur}", "high_diagnostics": "high-severity findings"}
    scale = {"cost_pv": 1e-3, "cumulative_emissions": 1e-3, "investment": 1e-3, "stranded_value": 1e-3}
    tot = r[r.sector == "total"]
    rows = []
    for q in tot.itertuples():
        f = scale.get(q.quantity, 1.0)
        rows.append({"quantity": labels.get(q.quantity, q.quantity), "realistic": number(q.realistic * f),
                     "without the dynamics limits": number(q.unconstrained * f),
                     "difference": number(q.difference * f)})
    cost = tot[tot.quantity == "cost_pv"].iloc[0]
    note = (f"The same scenario solved without the sector files' group build, turnover, adoption and utilisation "
            f"limits: the realistic dynamics cost {number(cost.difference / 1000)} bn {cur} in present value "
            f"({cost.difference / cost.unconstrained:+.2%}). Per sector in realism.csv.")
    return pd.DataFrame(rows), note


def method_lines(run: RunFolder) -> list[str]:
    rec = run.record
    t = rec.get("timings", {})
    lines = [
        "Least-cost pathway of a linear program (Pyomo, HiGHS) over " + f"{len(run['emissions'].year.unique())} "
        "years: capacity by vintage, demand, build-rate and resource limits, the carbon budget and milestones.",
        "Emissions are scope 1 (fuel and process CO2 at the site) net of capture; CO2 from electricity and "
        "hydrogen bought is reported separately (scope 2).",
        "Near-zero: technologies the sector file flags near_zero. Typical plant sizes come from the sector "
        "files (plant_size, sourced there).",
        "Stranded assets: capacity retired before its end of life, valued at its capex less straight-line "
        "depreciation (existing fleets at the capex of the new-build reference of their output).",
        "Timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in t.items() if isinstance(v, int | float)),
        f"Input hash {rec.get('input_hash')}; inputs: " + ", ".join(Path(p).name for p in rec.get("inputs", [])),
    ]
    lines += [f"{f}: {d}" for f, d in FILES.items()]
    return lines


NUMBER = re.compile(r"^[+\-−]?[\d,.]+%?$")
"""A cell that is a figure (1,234 / -0.5 / 12%): right-aligned."""


def _html(df: pd.DataFrame, first_is_label: bool = False, status_col: str | None = None) -> str:
    def text_of(v: object) -> str:
        return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)

    # a column is numeric if its header is a year or every filled cell is a figure
    numeric = {str(c) for c in df.columns if str(c)[:4].isdigit()
               or (len(df) and all(NUMBER.match(t) for t in (text_of(v) for v in df[c]) if t))}

    def cell(col: str, v: object) -> str:
        text = text_of(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if status_col and col == status_col:
            return f'<td class="{text}">{text}</td>'
        cls = ' class="num"' if col in numeric and len(text) < 28 else ""
        return f"<td{cls}>{text}</td>"

    head = "".join(f'<th{" class=num" if str(c) in numeric else ""}>{c}</th>' for c in df.columns)
    body = "".join("<tr>" + "".join(cell(str(c), v) for c, v in zip(df.columns, row)) + "</tr>"
                   for row in df.itertuples(index=False))
    kind = ' class="plan"' if first_is_label else ""
    return f"<table{kind}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _md(df: pd.DataFrame) -> str:
    return df.to_markdown(index=False)


def _version() -> str:
    try:
        return version("planner")
    except PackageNotFoundError:
        return "dev"
