"""Command-line tasks: `flask --app course <command>`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from course import backup, demo, migrate
from course.conversations import cli as conversations_cli
from course.imports import cli as imports_cli
from course.invitations import cli as invitations_cli
from course.lti import cli as lti_cli
from course.outbox import cli as outbox_cli
from course.people import cli as people_cli
from course.privacy import cli as privacy_cli
from course.reminders import cli as reminders_cli
from course.reporting import cli as reporting_cli
from course.review import cli as review_cli
from course.scorm import cli as scorm_cli
from course.twofactor import cli as twofactor_cli
from course.xapi import cli as xapi_cli


@click.group("db", cls=AppGroup)
def db_cli() -> None:
    """Database schema (Alembic migrations)."""


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration not yet applied."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    migrate.revision(current_app.config["DATABASE_URL"], message)


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Create the demo organisation and accounts (only into an empty database; never in production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Demo data is never created in production.")
    if not demo.seed():
        click.echo("The database already has accounts; demo data not added.")
        return
    click.echo("Demo data created. Accounts:")
    for email, _name, role, _job, _unit in demo.PEOPLE:
        click.echo(f"  {role:<8} {email}  password: {demo.PASSWORD}")


def init_app(app: Flask) -> None:
    for command in (
        db_cli,
        seed_demo,
        *review_cli.COMMANDS,
        *people_cli.COMMANDS,
        *privacy_cli.COMMANDS,
        *imports_cli.COMMANDS,
        *invitations_cli.COMMANDS,
        *outbox_cli.COMMANDS,
        *lti_cli.COMMANDS,
        *reminders_cli.COMMANDS,
        *reporting_cli.COMMANDS,
        *conversations_cli.COMMANDS,
        *scorm_cli.COMMANDS,
        *twofactor_cli.COMMANDS,
        *xapi_cli.COMMANDS,
        *backup.COMMANDS,
    ):
        app.cli.add_command(command)
