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
    PeopleOptions,
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
@click.option(
    "--create-units", is_flag=True, help="Create the units named in unit_path that do not exist yet."
)
@click.option(
    "--sync",
    is_flag=True,
    help="Deactivate the active people missing from the file (their records are kept).",
)
@click.option("--update-roles", is_flag=True, help="Let the role column change existing people's roles.")
@with_appcontext
def import_users(file: Path, dry_run: bool, create_units: bool, sync: bool, update_roles: bool) -> None:
    """Add or update people from a CSV or XLSX file with the columns email, name, job_role, unit_path
    and optionally role, staff_number, start_date."""
    options = PeopleOptions(create_units=create_units, sync=sync, update_roles=update_roles)
    plan = plan_people_import(file.read_bytes(), max_rows=MAX_ROWS, options=options)
    click.echo(f"Read as {plan.read_as}." if plan.read_as else "The file could not be read.")
    _stop_on(plan.errors)
    for path in plan.new_units:
        click.echo(f"unit to create: {path}")
    for leaver in plan.leavers:
        click.echo(f"to deactivate (not in the file): {leaver.email}")
    for why in plan.kept:
        click.echo(f"kept active: {why}")
    planned = plan.counts
    if dry_run:
        for row in plan.rows:
            if row.action == "update":
                click.echo(f"row {row.row}: update {row.email}: {'; '.join(row.changes)}")
        click.echo(
            f"Dry run, nothing saved: {planned.created} to add, {planned.updated} to update, "
            f"{planned.unchanged} unchanged, {planned.deactivated} to deactivate, "
            f"{planned.units_created} units to create."
        )
        return
    with click.progressbar(length=planned.created + planned.updated, label="Saving people") as bar:
        try:
            counts = apply_people_import(plan, actor=None, progress=bar.update)
        except ImportFailed as failed:
            raise click.ClickException(str(failed)) from None
    click.echo(
        f"Added {counts.created}, updated {counts.updated}, unchanged {counts.unchanged}, "
        f"deactivated {counts.deactivated}, units created {counts.units_created}."
    )


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
