"""Command line: `python -m planner run | batch | validate | list | report | compare | track`.

Exit status: 0 optimal, 1 bad input, 2 infeasible or failed solve; every message in the terms
of the files and scenario the user wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from planner import progress
from planner.console import FoldedTable, progress_watcher
from planner.errors import InputError, SolveFailed, display_path
from planner.paths import project_paths

SOLVE_FAILED = 2
"""Exit code of an infeasible run or a failed solve; 1 is anything the user gave wrong."""
_solve_failed = False

# Plain help (no rich panels): flags show no value type, and nothing is cut when piped or narrow.
app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Least-cost net-zero pathways for the hardest-to-abate sectors.")


def _sectors_help() -> str:
    try:
        names = project_paths().sector_names()
    except OSError:  # pragma: no cover - a project without models/
        names = []
    return "Sectors to solve together, or 'all'" + (f" ({', '.join(names)})." if names else ".")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            out_console.print(f"planner {version('planner')}")
        except PackageNotFoundError:  # pragma: no cover - run from a checkout without installing
            out_console.print("planner (not installed)")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False) -> None:
    """Least-cost net-zero pathways for the hardest-to-abate sectors."""
out_console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@app.command()
def run(
    sectors: Annotated[list[str], typer.Argument(help=_sectors_help())],
    scenario: Annotated[str, typer.Option("--scenario", "-s", help="Scenario name or YAML path.")] = "default",
    out: Annotated[Path, typer.Option("--out", "-o", help="Results folder root.")] = Path("results"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only where results went.")] = False,
    decompose: Annotated[bool | None, typer.Option(
        "--decompose/--joint", help="Solve the sectors as separate LPs coordinated by prices, or as one joint LP "
        "(default: joint for mode optimal, separate for shares and price).", show_default=False)] = None,
    elastic: Annotated[bool, typer.Option(
        "--elastic", help="Make milestones, budget, caps and supply limits soft at a high penalty and report "
        "which are violated, by how much (exit 2 if any).")] = False,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes for separate sector LPs (default: one per core).")] = None,
    report: Annotated[bool, typer.Option("--report", help="Also write the roadmap report (report.html, "
                                         "report.md, charts/) into the results folder.")] = False,
    actuals: Annotated[Path | None, typer.Option(
        "--actuals", help="Re-plan from an actuals file: its years held to what happened, the rest re-optimised; "
        "written to <out>/<scenario>-replan/<sectors> with replan.csv (the plan against the re-plan).")] = None,
) -> None:
    """Solve sectors under a scenario, print a summary and write the results folder."""
    from planner.results.summary import print_summary
    from planner.run import run as run_model

    paths = project_paths()
    names = paths.sector_names() if sectors == ["all"] else list(dict.fromkeys(sectors))
    compared = None
    try:
        solver = {k: v for k, v in {"decompose": decompose, "jobs": jobs}.items() if v is not None}
        with progress.watching(progress_watcher(err_console)):
            if actuals is not None:
                from planner.replan import replan

                compared = replan(names, scenario, actuals, out, paths, solver)
                outcome = compared.replanned
            else:
                outcome = run_model(names, scenario, out, paths, solver, elastic)
    except InputError as exc:
        err_console.print(f"[red]error:[/] {exc}", markup=True, soft_wrap=True)
        raise typer.Exit(1) from None
    except SolveFailed as exc:
        global _solve_failed
        _solve_failed = True
        err_console.print(f"[red]{exc.status}:[/] {exc.message}", soft_wrap=True)
        raise typer.Exit(SOLVE_FAILED) from None
    except KeyboardInterrupt:
        err_console.print("interrupted; nothing written")
        raise typer.Exit(130) from None
    except OSError as exc:   # the disk filled or went away while the results were written (nothing half-written stays)
        err_console.print(f"[red]error:[/] cannot write the results: {exc.strerror or exc}"
                          + (f" ({display_path(Path(exc.filename))})" if exc.filename else ""), soft_wrap=True)
        raise typer.Exit(1) from None
    folder = display_path(outcome.folder) if outcome.folder else None
    if quiet:
        out_console.print(folder or "")
    else:
        print_summary(out_console, outcome.data, outcome.results, outcome.headline, outcome.timings, folder,
                      outcome.sector_names, outcome.solution.info if "workers" in outcome.solution.info else None)
    if compared is not None and not quiet:
        _print_replan(compared)
    if report and outcome.folder is not None:
        _write_report(outcome.folder, None, quiet)


def _print_replan(compared) -> None:
    """The plan against the re-plan from actuals (replan.csv)."""
    years = ", ".join(map(str, compared.actual_years)) or "none in the horizon"
    table = FoldedTable(title=f"Plan against re-plan from actuals (years held: {years})")
    for col in ("quantity", "unit", "plan", "re-plan", "difference"):
        table.add_column(col, justify="left" if col in ("quantity", "unit") else "right")

    def num(v: object) -> str:
        return "" if v is None or v != v else f"{v:,.6g}"

    for r in compared.table.itertuples(index=False):
        table.add_row(r.quantity, r.unit, num(r.plan), num(r.replan), num(r.difference))
    out_console.print(table)
    cost = compared.table.iloc[0]
    out_console.print(f"Cost of delay: {cost.difference:,.6g} {cost.unit} (re-plan {cost.replan:,.6g} less plan "
                      f"{cost.plan:,.6g})", soft_wrap=True)


def _write_report(folder: Path, out: Path | None, quiet: bool) -> None:
    import time

    from planner.results.report import make_report

    t0 = time.perf_counter()
    try:
        rep = make_report(folder, out)
    except InputError as exc:
        err_console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    if not quiet:
        out_console.print(f"Report: {display_path(rep.html)} and {display_path(rep.markdown)} "
                          f"({len(rep.charts)} charts in {display_path(rep.html.parent / 'charts')}, "
                          f"{time.perf_counter() - t0:.1f} s)")


@app.command()
def report(
    folder: Annotated[Path, typer.Argument(help="Results folder of a finished run (results/<scenario>/<sectors>).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Where to write (default: the run's folder).")]
    = None,
) -> None:
    """Write the roadmap report of a finished run: report.html (self-contained), report.md and charts."""
    _write_report(folder, out, False)


@app.command()
def compare(
    dir_a: Annotated[Path, typer.Argument(help="Results folder of run A.")],
    dir_b: Annotated[Path, typer.Argument(help="Results folder of run B.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Where to write (default: "
                                             "results/compare/<A>__vs__<B>).")] = None,
) -> None:
    """Two finished runs side by side: key figures per run and sector (B - A), and charts of both."""
    from planner.results.compare import compare_runs, fmt

    target = out or Path("results") / "compare" / f"{_slug(dir_a)}__vs__{_slug(dir_b)}"
    try:
        cmp = compare_runs(dir_a, dir_b, target)
    except InputError as exc:
        err_console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    table = FoldedTable(title=f"A: {display_path(dir_a)}   B: {display_path(dir_b)}")
    for col in ("quantity", "unit", "A", "B", "B - A"):
        table.add_column(col, justify="right" if col in ("A", "B", "B - A") else "left")
    for r in cmp.table.itertuples(index=False):
        table.add_row(r.quantity, r.unit, fmt(r.A), fmt(r.B), fmt(r.difference))
    out_console.print(table)
    for note in cmp.notes:
        out_console.print(f"- {note}", soft_wrap=True)
    out_console.print(f"Written: {', '.join(display_path(p) for p in cmp.files)} and charts in "
                      f"{display_path(target / 'charts')}")


@app.command()
def track(
    actuals: Annotated[Path, typer.Argument(help="Actuals file: CSV (sector, metric, year, value, unit, source; "
                                            "optional technology, group, commodity, product) or a YAML list.")],
    folder: Annotated[Path, typer.Argument(help="Results folder of the plan (results/<scenario>/<sectors>).")],
    tolerance: Annotated[float, typer.Option("--tolerance", "-t", help="Relative gap still 'on track'.")] = 0.05,
) -> None:
    """Track a plan against actuals: the plan's value for each, ahead / on track / behind, the gap and
    what closing it costs at the plan's prices; writes tracking.csv into the results folder."""
    from planner.results.folder import read_run
    from planner.results.tracking import track as track_plan
    from planner.results.tracking import write_tracking
    from planner.schema.actuals import load_actuals

    try:
        rows = load_actuals(actuals)
        tr = track_plan(rows, read_run(folder), display_path(actuals), tolerance)
    except InputError as exc:
        err_console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    table = FoldedTable(title=f"{display_path(actuals)} against {display_path(folder)} (tolerance {tolerance:.0%})")
    for col in ("", "sector", "metric", "of", "year", "actual", "plan", "unit", "status", "cost to close"):
        table.add_column(col, justify="right" if col in ("year", "actual", "plan", "cost to close") else "left")
    for r in tr.table.itertuples(index=False):
        cost = "" if pd_isna(r.cost_to_close) else f"{r.cost_to_close:,.0f} {r.cost_unit}"
        table.add_row(r.name if r.kind == "milestone" else "", r.sector, r.metric, r.selector, str(r.year),
                      f"{r.actual:,.4g}", "" if pd_isna(r.plan) else f"{r.plan:,.4g}", r.unit, r.status, cost)
    out_console.print(table)
    if tr.skipped:
        out_console.print(f"Skipped (not in this run): {', '.join(tr.skipped)}", soft_wrap=True)
    out_console.print(f"Written: {write_tracking(tr, folder)}")


def pd_isna(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _slug(folder: Path) -> str:
    parts = Path(folder).resolve().parts[-2:]
    return "-".join(parts)


@app.command()
def batch(
    spec: Annotated[Path | None, typer.Argument(help="Batch spec (YAML): scenarios, grid sweep, Monte Carlo.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes (local executor).")] = 1,
    executor: Annotated[str, typer.Option("--executor", help="local or dask.")] = "local",
    address: Annotated[str | None, typer.Option("--address", help="Dask scheduler HOST:PORT.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Results folder root.")] = Path("results"),
    summary: Annotated[Path | None, typer.Option("--summary", help="Print the summary of a finished batch folder.")]
    = None,
    reuse: Annotated[bool, typer.Option("--reuse/--no-reuse", help="Re-solve runs of the same structure from the "
                                        "previous solver state (default) or from scratch.")] = True,
) -> None:
    """Run many scenarios (a list, a sweep or Monte Carlo samples) in parallel; resumable."""
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from planner.batch.execute import DaskExecutor, LocalExecutor, batch_dir, run_batch, unreadable
    from planner.batch.spec import expand, read_spec
    from planner.batch.summary import print_summary as print_batch
    from planner.validate import check_batch

    if summary is not None:
        if not (summary / "manifest.csv").exists():
            err_console.print(f"[red]error:[/] no manifest.csv in {summary}")
            raise typer.Exit(1)
        print_batch(out_console, summary)
        return
    if spec is None:
        err_console.print("[red]error:[/] give a batch spec, or --summary DIR")
        raise typer.Exit(1)
    paths = project_paths()
    try:
        batch_spec, spec_raw = read_spec(str(spec), paths)
        runs = expand(batch_spec, paths)
        problems = check_batch(batch_spec, spec_raw, runs, paths)   # before anything is written
        if problems:
            raise InputError(problems)
        if executor == "dask":
            pool = DaskExecutor(address)
        elif executor == "local":
            pool = LocalExecutor(jobs)
        else:
            err_console.print(f"[red]error:[/] unknown executor {executor!r} (local or dask)")
            raise typer.Exit(1)
    except InputError as exc:
        err_console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    except RuntimeError as exc:
        err_console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    folder = batch_dir(out, batch_spec.name)
    for path in unreadable(runs, folder):
        err_console.print(f"[yellow]warning:[/] {display_path(path)} cannot be read; its run is run again")
    columns = [TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.completed:.0f}/{task.total:.0f} runs finished, {task.fields[failed]} of them failed"),
               TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(), TextColumn("left")]
    with Progress(*columns, console=out_console, transient=False) as bar:
        task = bar.add_task(f"batch {batch_spec.name}", total=len(runs), failed=0)
        from planner.batch.execute import status_of

        already = sum(1 for r in runs if status_of(r, folder) is not None)
        bar.update(task, completed=already)

        def progress(solved: int, failed: int) -> None:
            bar.update(task, completed=already + solved + failed, failed=failed)

        try:
            table, counts = run_batch(runs, paths, out, batch_spec.name, pool, progress, reuse=reuse)
        except KeyboardInterrupt:
            bar.stop()
            kept = sum(1 for r in runs if status_of(r, folder) is not None)
            err_console.print(f"interrupted: {kept} of {len(runs)} runs finished and kept in "
                              f"{display_path(folder)} (logs/ holds each run's progress); run the same command "
                              "again to resume: finished runs are skipped", soft_wrap=True)
            raise typer.Exit(130) from None
    out_console.print(f"{counts['total']} runs: {counts['skipped']} already finished, {counts['solved']} solved, "
                      f"{counts['failed']} failed. Manifest: {display_path(folder / 'manifest.csv')}")
    if counts["failed"]:
        failed = table[~table.status.isin(["optimal"])]
        for r in failed.head(5).itertuples():
            out_console.print(f"  {r.run} {r.status}: {str(r.reason)[:200]}", soft_wrap=True)


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(help="Sector or scenario files (default: all).")] = None,
) -> None:
    """Check sector and scenario files; list every problem with file, line and key."""
    from planner.validate import validate_files

    paths = project_paths()
    targets = files or (sorted(paths.models.glob("*.yaml")) + sorted(paths.supply.glob("*.yaml"))
                        + sorted((paths.models / "published").glob("*.yaml"))
                        + sorted((paths.models / "regions").glob("*.yaml"))
                        + sorted(paths.iamc_codelist.glob("*.yaml")) + sorted(paths.scenarios.glob("**/*.yaml")))
    problems, checked = validate_files(targets, paths)
    if problems:
        err_console.print(f"[red]error:[/] {InputError(problems)}", soft_wrap=True)
        raise typer.Exit(1)
    out_console.print(f"{checked} file{'s' if checked != 1 else ''} valid")


@app.command(name="list")
def list_(
) -> None:
    """Sectors (unit, technologies, sources) and scenarios."""
    from planner.schema.load import load_commodities, load_sector, read_scenario_chain

    paths = project_paths()
    try:
        commodities, _ = load_commodities(paths)
    except InputError as exc:
        err_console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    bad = False
    for name in paths.sector_names() + paths.supply_names():
        sf, problems = load_sector(name, paths, commodities)
        if sf is None:
            err_console.print(f"[red]{name}: invalid[/] ({len(problems)} problems; run `python -m planner validate`)")
            bad = True
            continue
        t = FoldedTable(title=f"{sf.name} ({name}): activity in {sf.unit}", title_justify="left", show_lines=False)
        t.add_column("technology")
        t.add_column("name")
        t.add_column("from", justify="right")
        t.add_column("near-zero")
        t.add_column("groups")
        t.add_column("sources")
        for key, tech in sf.technologies.items():
            t.add_row(key, tech.name, str(tech.available_from or ""), "yes" if tech.near_zero else "",
                      ", ".join(tech.groups), ", ".join(tech.sources))
        out_console.print(t)
        if sf.commodity_groups:   # what milestones on input shares and commodity use can name
            out_console.print("  commodity groups: " + "; ".join(
                f"{g} ({', '.join(cg.members)})" for g, cg in sf.commodity_groups.items()), soft_wrap=True)
        for key, text in sf.sources.items():
            out_console.print(f"  [dim]{key}[/]: {text}", soft_wrap=True)
    t = FoldedTable(title="Scenarios", title_justify="left")
    t.add_column("name")
    t.add_column("extends")
    t.add_column("description")
    for p in sorted(paths.scenarios.glob("*.yaml")):
        try:
            data = read_scenario_chain(str(p), paths).data
        except InputError:
            t.add_row(p.stem, "", "[red]invalid[/]")
            bad = True
            continue
        own = (p.read_text(encoding="utf-8"))
        t.add_row(data.get("name", p.stem), _extends_of(own), str(data.get("description", "")).strip())
    out_console.print(t)
    if bad:
        raise typer.Exit(1)


def _extends_of(text: str) -> str:
    import yaml

    data = yaml.safe_load(text) or {}
    return str(data.get("extends") or "") if isinstance(data, dict) else ""


def main() -> None:
    """`python -m planner`. Click exits usage errors (a missing argument, an unknown option) with 2,
    the code of an infeasible run here; they exit 1, like every other mistake in what was typed."""
    try:
        app()
    except SystemExit as exc:
        if exc.code == SOLVE_FAILED and not _solve_failed:
            raise SystemExit(1) from None
        raise
