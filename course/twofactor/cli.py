"""Two-step verification from the command line: `flask --app course reset-second-factor EMAIL`, for
when the only administrator has lost both their phone and their recovery codes."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from course.accounts.services import find_user_by_email
from course.twofactor import services


@click.command("reset-second-factor")
@with_appcontext
@click.argument("email")
def reset_second_factor(email: str) -> None:
    """Remove a person's authenticator and recovery codes (audited); they set up a new one at sign-in."""
    person = find_user_by_email(email)
    if person is None:
        raise click.ClickException(f"No account has the email address {email}.")
    had = services.reset(person, actor=None)
    click.echo(
        f"Two-step verification of {person.email} is reset; they set it up again at their next sign-in."
        if had
        else f"{person.email} had no two-step verification set up; their sessions have been ended."
    )


COMMANDS = (reset_second_factor,)
