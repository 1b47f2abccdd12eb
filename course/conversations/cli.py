"""`flask --app course send-follow-ups`: for cron, once a day."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from course import org
from course.conversations import followups


@click.command("send-follow-ups")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as if today were this date (YYYY-MM-DD), e.g. to make up a day the job did not run.",
)
@with_appcontext
def follow_ups_cli(today: date | None) -> None:
    """E-mail the follow-up check to learners whose record is FOLLOW_UP_DAYS old; retry failed ones."""
    if not followups.enabled():
        click.echo("Follow-up checks are switched off (FOLLOW_UP_ENABLED).")
        return
    day = today.date() if today is not None else org.today()  # type: ignore[attr-defined]
    report = followups.send_invitations(day)
    for email in report.sent:
        click.echo(f"Sent follow-up invitation to {email}")
    for email, problem in report.failed:
        click.echo(f"Not sent to {email}: {problem}", err=True)
    click.echo(f"{len(report.sent)} invitation(s) sent; {len(report.failed)} kept to try again next run.")
    if report.failed:
        raise SystemExit(1)


COMMANDS = (follow_ups_cli,)
