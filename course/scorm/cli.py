"""`flask --app course export-scorm --version 1.2|2004 --output FILE [--module ID] [--unit ID]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from course.scorm import rules, services


@click.command("export-scorm")
@click.option(
    "--version", "version", type=click.Choice(rules.VERSIONS), required=True, help="SCORM 1.2 or 2004."
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The zip to write."
)
@click.option("--module", "module_id", default=None, help="One module's id (default: the whole course).")
@click.option(
    "--unit", "unit_id", type=int, default=None, help="Unit for its learners (default: the top unit)."
)
@with_appcontext
def export_scorm(version: str, output: Path, module_id: str | None, unit_id: int | None) -> None:
    """Record a new package (its own key and secret) and write its zip for the LMS."""
    try:
        package = services.create_package(version=version, module_id=module_id, unit_id=unit_id, by=None)
    except services.PackageProblem as problem:
        raise click.ClickException(str(problem)) from problem
    with current_app.test_request_context():
        output.write_bytes(services.package_zip(package))
    click.echo(f"Wrote {output}: SCORM {version} package {package.id} ({package.title}), key {package.key}.")


COMMANDS = (export_scorm,)
