"""The docs stay true: every file and column a run writes is in docs/results.md, every command and
option of the CLI in docs/cli.md, and the README links to the site."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import typer

from planner.cli import app
from planner.paths import project_paths
from planner.run import run

DOCS = Path(__file__).resolve().parent.parent / "docs"


def sections(text: str, level: str) -> dict[str, str]:
    """Each heading's title (the backticked name in it) and the text up to the next heading of its level."""
    parts = re.split(rf"^{level} (.+)$", text, flags=re.M)
    return {re.sub(r"`", "", title).strip(): body for title, body in zip(parts[1::2], parts[2::2])}


def documented_columns(body: str) -> set[str]:
    """First-column names in backticks of the section's tables (the `column` / `key` tables)."""
    return set(re.findall(r"^\|\s*`([^`]+)`\s*\|", body, flags=re.M))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return run(["cement"], "default", tmp_path_factory.mktemp("results"), project_paths()).folder


def test_every_file_and_column_of_a_run_is_in_the_results_contract(folder):
    doc = sections((DOCS / "results.md").read_text(encoding="utf-8"), "###")
    missing = []
    for path in sorted(folder.iterdir()):
        if path.name not in doc:
            missing.append(path.name)
            continue
        if path.suffix == ".csv":
            cols = pd.read_csv(path, nrows=0).columns
            named = documented_columns(doc[path.name])
            missing += [f"{path.name}: {c}" for c in cols if c not in named and not c.isdigit()]
    named = documented_columns(doc["run.json"])
    import json
    missing += [f"run.json: {k}" for k in json.loads((folder / "run.json").read_text()) if k not in named]
    assert not missing, f"written but not in docs/results.md: {missing}"


def test_every_command_and_option_is_in_the_cli_page():
    doc = sections((DOCS / "cli.md").read_text(encoding="utf-8"), "##")
    group = typer.main.get_command(app)
    missing = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        body = doc.get(f"planner {name}")
        if body is None:
            missing.append(name)
            continue
        for param in command.params:
            missing += [f"{name} {o}" for o in [*param.opts, *param.secondary_opts]
                        if o.startswith("--") and f"`{o}" not in body and o != "--help"]
    assert not missing, f"not in docs/cli.md: {missing}"


def test_the_readme_links_to_the_docs_and_each_page_is_in_the_site():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    for page in sorted(DOCS.glob("*.md")):
        assert f"docs/{page.name}" in readme, f"README does not link docs/{page.name}"
        assert page.name in nav, f"mkdocs.yml nav lacks {page.name}"
    assert "design notes" not in readme
