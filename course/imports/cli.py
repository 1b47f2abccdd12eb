"""Bulk imports from the command line: `flask --app course import-users people.csv [--dry-run]`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click
from flask.cli import with_appcontext

from course import org
from course.imports.reading import RowError
from course.imports.services import (
    ImportFailed,
    apply_completions_import,
    apply_people_import,
    plan_completions_import,
    plan_people_import,
)

MAX_ROWS = 200_000
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
DRY_RUN = click.option(
    "--dry-run", is_flag=True, help="Check the file and show what would change; save nothing."
)


@click.command("import-users")
@click.argument("file", type=FILE)
@DRY_RUN
@with_appcontext
def import_users(file: Path, dry_run: bool) -> None:
    """Add or update people from a CSV file with the columns email, name, job_role, unit_path, role."""
    plan = plan_people_import(file.read_bytes(), max_rows=MAX_ROWS)
    _stop_on(plan.errors)
    if dry_run:
        for row in plan.rows:
            if row.action == "update":
                click.echo(f"row {row.row}: update {row.email}: {'; '.join(row.changes)}")
        planned = plan.counts
        click.echo(
            f"Dry run, nothing saved: {planned.created} to add, {planned.updated} to update, "
            f"{planned.unchanged} unchanged."
        )
        return
    with click.progressbar(length=plan.counts.created + plan.counts.updated, label="Saving people") as bar:
        try:
            counts = apply_people_import(plan, actor=None, progress=bar.update)
        except ImportFailed as failed:
            raise click.ClickException(str(failed)) from None
    click.echo(f"Added {counts.created}, updated {counts.updated}, unchanged {counts.unchanged}.")


@click.command("import-completions")
@click.argument("file", type=FILE)
@DRY_RUN
@with_appcontext
def import_completions(file: Path, dry_run: bool) -> None:
    """Add past completion records from a CSV file with the columns email, completed_on (YYYY-MM-DD),
    and optionally expires_on and course_version."""
    plan = plan_completions_import(file.read_bytes(), max_rows=MAX_ROWS, today=org.today())
    _stop_on(plan.errors)
    if dry_run:
        click.echo(f"Dry run, nothing saved: {len(plan.rows)} records to add.")
        return
    with click.progressbar(length=len(plan.rows), label="Saving records") as bar:
        try:
            added = apply_completions_import(plan, actor=None, progress=bar.update)
        except ImportFailed as failed:
            raise click.ClickException(str(failed)) from None
    click.echo(f"Added {added} completion records.")


def _stop_on(errors: Sequence[RowError]) -> None:
    if errors:
        for error in errors:
            click.echo(str(error))
        click.echo(f"{len(errors)} problem(s) found; nothing was saved. Fix them and run the import again.")
        raise SystemExit(1)


COMMANDS = (import_users, import_completions)
