"""`flask --app course send-reminders`: reminder e-mails for a scheduled job."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from course import org
from course.people.rules import EVERYONE
from course.reminders.services import ReminderError, ReminderReport, send_reminders


@click.command("send-reminders")
@click.option("--dry-run", is_flag=True, help="List the reminders that would be sent; send nothing.")
@with_appcontext
def reminders_cli(dry_run: bool) -> None:
    """E-mail everyone whose training is overdue or expiring soon (copied to their manager)."""
    try:
        report = send_reminders(scope=EVERYONE, today=org.today(), dry_run=dry_run, sender=None)
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


COMMANDS = (reminders_cli,)
