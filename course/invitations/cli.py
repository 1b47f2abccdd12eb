"""`flask --app course invite --pending`: e-mail an invitation to everyone not yet invited."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from course.invitations.services import invite_pending


@click.command("invite")
@click.option("--pending", is_flag=True, help="Invite every active person who was never invited.")
@click.option(
    "--resend-expired", is_flag=True, help="Also send a new invitation where the last one expired unused."
)
@with_appcontext
def invite_cli(pending: bool, resend_expired: bool) -> None:
    """Queue invitation e-mails (delivered by `flask --app course outbox send`)."""
    if not (pending or resend_expired):
        raise click.UsageError("Say whom to invite: --pending, and/or --resend-expired.")
    sent = invite_pending(issued_by=None, resend_expired=resend_expired)
    for email in sent:
        click.echo(f"Invitation queued for {email}")
    click.echo(f"{len(sent)} invitation(s) queued; run `flask --app course outbox send` to deliver them.")


COMMANDS = (invite_cli,)
