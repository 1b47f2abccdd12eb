"""Command-line tasks: `flask --app course <command>`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from course import backup, demo, migrate
from course.accounts import create_user
from course.admin.import_cli import IMPORTS
from course.admin.report_cli import export_cli, reminders_cli
from course.auth.passwords import password_problem
from course.content import content_cli
from course.conversations.cli import follow_ups_cli
from course.extensions import db
from course.models import JobRole, Role


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


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator account."""
    problem = password_problem(password, personal=(email, name))
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    try:
        create_user(email=email, name=name, role=Role.ADMIN, job_role=JobRole.OTHER, password=password)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Administrator {email} created.")


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
        create_admin,
        seed_demo,
        content_cli,
        reminders_cli,
        export_cli,
        follow_ups_cli,
        *IMPORTS,
        *backup.COMMANDS,
    ):
        app.cli.add_command(command)
