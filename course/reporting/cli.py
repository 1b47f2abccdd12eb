"""`flask --app course export-completions`: the completion report for scheduled jobs."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from course.reporting.services import EXPORT_HEADER, completion_rows, report_context
from course.spreadsheet import csv_lines


@click.command("export-completions")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    default="-",
    help="The CSV file to write (default: standard output).",
)
@with_appcontext
def export_cli(output: str) -> None:
    """Write everyone's training status and latest record as CSV."""
    lines = csv_lines(EXPORT_HEADER, completion_rows(report_context()))
    if output == "-":
        for line in lines:
            click.echo(line, nl=False)
        return
    with open(output, "w", encoding="utf-8", newline="") as target:
        target.writelines(lines)


COMMANDS = (export_cli,)
