"""People from the command line: `flask --app course create-admin`."""

from __future__ import annotations

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext

from course.accounts.passwords import password_problem
from course.audit import record
from course.extensions import db
from course.models import JobRole, Role
from course.people.services import EmailTaken, create_user
from course.validation import single_line_problem


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(
            f"“{email}” is not a valid email address. {error}", param_hint="email"
        ) from None
    if not name.strip():
        raise click.BadParameter("Enter the administrator's name.", param_hint="name")
    problem = single_line_problem(email) or single_line_problem(name)
    if problem:
        raise click.BadParameter(problem, param_hint="email or name")
    problem = password_problem(password, personal=(email, name))
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    try:
        user = create_user(email=email, name=name, role=Role.ADMIN, job_role=JobRole.OTHER, password=password)
    except EmailTaken as error:
        raise click.ClickException(str(error)) from None
    db.session.flush()
    record("person.created", subject=f"user:{user.id}", email=user.email, role=user.role, via="create-admin")
    db.session.commit()
    click.echo(f"Administrator {email} created.")


COMMANDS = (create_admin,)
