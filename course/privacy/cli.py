"""`flask --app course purge-audit-addresses`: the retention of IP addresses in the audit trail."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from course.privacy import services


@click.command("purge-audit-addresses")
@click.option("--days", type=click.IntRange(min=1), default=None, help="Keep addresses this many days.")
@with_appcontext
def purge_audit_addresses(days: int | None) -> None:
    """Blank the IP address of audit events older than AUDIT_IP_RETENTION_DAYS (run it daily)."""
    keep = days or int(current_app.config["AUDIT_IP_RETENTION_DAYS"])
    purged = services.purge_addresses(keep)
    click.echo(f"IP addresses removed from {purged} audit events older than {keep} days.")


COMMANDS = (purge_audit_addresses,)
