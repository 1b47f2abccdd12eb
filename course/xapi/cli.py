"""`flask --app course xapi send`: deliver the statements waiting in the outbox (for cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from course.outbox.services import deliver
from course.xapi.services import TOPIC

xapi_cli = AppGroup("xapi", help="xAPI statements for the organisation's learning record store.")


@xapi_cli.command("send")
@with_appcontext
def send() -> None:
    """Try every statement that is due once; failures wait for a later run, with a growing delay."""
    report = deliver(topic=TOPIC)
    for problem in report.problems:
        click.echo(problem)
    click.echo(f"{report.delivered} delivered, {report.retrying} to retry later, {report.refused} refused.")


COMMANDS = (xapi_cli,)
