"""`flask --app course outbox send`: deliver what is due (for cron or a systemd timer, every minute)."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from course.outbox.services import deliver

outbox_cli = AppGroup("outbox", help="Deliver e-mail, scores and statements waiting in the outbox.")


@outbox_cli.command("send")
@click.option("--topic", default=None, help="Deliver only this kind of message (for example: mail).")
@with_appcontext
def send(topic: str | None) -> None:
    """Try every message that is due once; failures wait for a later run, with a growing delay."""
    report = deliver(topic=topic)
    for problem in report.problems:
        click.echo(problem)
    click.echo(f"{report.delivered} delivered, {report.retrying} to retry later, {report.refused} refused.")


COMMANDS = (outbox_cli,)
