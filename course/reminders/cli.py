"""`flask --app course send-reminders`: the day's reminders and the managers' weekly summaries, for a
scheduled job (once a day; running it again the same day sends nothing new)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from course import org
from course.people.rules import EVERYONE
from course.reminders.services import ReminderReport, send_reminders


@click.command("send-reminders")
@click.option("--dry-run", is_flag=True, help="List the reminders that would be sent; send nothing.")
@with_appcontext
def reminders_cli(dry_run: bool) -> None:
    """Queue today's reminders (stages before due dates and expiry, overdue) and managers' summaries.

    The e-mails are delivered by `flask --app course outbox send`."""
    report = send_reminders(scope=EVERYONE, today=org.today(), dry_run=dry_run, sender=None, digests=True)
    _print(report, dry_run=dry_run)
    done = "would be sent" if dry_run else "queued"
    click.echo(
        f"{len(report.sent)} reminder(s) and {len(report.digests)} manager summary(ies) {done}; "
        f"{report.skipped_recent} skipped because they were already sent."
    )
    if report.cannot_sign_in:
        click.echo(
            f"{len(report.cannot_sign_in)} person(s) cannot sign in yet and were not reminded: "
            "invite them with `flask --app course invite --pending`."
        )


def _print(report: ReminderReport, *, dry_run: bool) -> None:
    verb = "Would send" if dry_run else "Queued"
    for item in report.sent:
        copy = f" (copy to {', '.join(item.cc)})" if item.cc else ""
        click.echo(f"{verb} reminder ({item.label}) to {item.email}{copy}")
    for digest in report.digests:
        click.echo(
            f"{verb} summary to {digest.email}: {digest.overdue} overdue, {digest.expiring} expiring soon"
        )
    for person in report.cannot_sign_in:
        click.echo(f"Not reminded (cannot sign in yet): {person.email}")


COMMANDS = (reminders_cli,)
