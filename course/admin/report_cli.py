"""Commands for scheduled jobs: `flask --app course send-reminders` and `export-completions`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from course import org
from course.admin.export import completion_rows, csv_lines
from course.admin.reminders import ReminderError, ReminderReport, send_reminders
from course.admin.status import Scope
from course.database import utcnow

EVERYONE = Scope(None)


@click.command("send-reminders")
@click.option("--dry-run", is_flag=True, help="List the reminders that would be sent; send nothing.")
@with_appcontext
def reminders_cli(dry_run: bool) -> None:
    """E-mail everyone whose training is overdue or expiring soon (copied to their manager)."""
    try:
        report = send_reminders(scope=EVERYONE, today=utcnow().date(), dry_run=dry_run, sender=None)
    except ReminderError as error:
        _print(error.report, dry_run=False)
        raise click.ClickException(str(error)) from None
    _print(report, dry_run=dry_run)
    done = "would be sent" if dry_run else "sent"
    click.echo(
        f"{len(report.sent)} reminder(s) {done}; {report.skipped_recent} skipped because they were "
        f"reminded within the last {org.settings().reminder_interval_days} day(s)."
    )


def _print(report: ReminderReport, *, dry_run: bool) -> None:
    verb = "Would send" if dry_run else "Sent"
    for item in report.sent:
        copy = f" (copy to {', '.join(item.cc)})" if item.cc else ""
        click.echo(f"{verb} {item.kind} reminder to {item.email}{copy}")


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
    window_days = org.settings().expiring_window_days
    rows = completion_rows(EVERYONE, utcnow().date(), window_days)
    lines = csv_lines(rows)
    if output == "-":
        for line in lines:
            click.echo(line, nl=False)
        return
    with open(output, "w", encoding="utf-8", newline="") as target:
        target.writelines(lines)
