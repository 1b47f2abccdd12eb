"""`flask --app course lti register` and `flask --app course lti rotate-key`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from course.lti import services

lti_cli = AppGroup("lti", help="The LTI 1.3 tool: platform registrations and the tool's signing key.")


@lti_cli.command("register")
@click.option("--issuer", required=True, help="The platform's issuer (platform ID).")
@click.option("--client-id", required=True, help="The client ID the platform gave this tool.")
@click.option("--deployment-id", required=True, help="The deployment ID.")
@click.option("--auth-login-url", required=True, help="The platform's authentication request URL.")
@click.option("--auth-token-url", required=True, help="The platform's access token URL.")
@click.option("--keyset-url", required=True, help="The platform's public keyset (JWKS) URL.")
@click.option("--unit", default="", help="The name of the unit new learners join.")
def register(
    issuer: str,
    client_id: str,
    deployment_id: str,
    auth_login_url: str,
    auth_token_url: str,
    keyset_url: str,
    unit: str,
) -> None:
    """Register a platform deployment that may launch the course."""
    found = services.unit_named(unit) if unit else None
    if unit and found is None:
        raise click.ClickException(f"No unit is named {unit!r}.")
    try:
        registration = services.register(
            services.NewRegistration(
                issuer=issuer,
                client_id=client_id,
                deployment_id=deployment_id,
                auth_login_url=auth_login_url,
                auth_token_url=auth_token_url,
                keyset_url=keyset_url,
                unit_id=found.id if found else None,
            )
        )
    except services.RegistrationExists as error:
        raise click.ClickException("This issuer, client ID and deployment are registered already.") from error
    click.echo(f"Registered {registration.issuer} (deployment {registration.deployment_id}).")


@lti_cli.command("rotate-key")
def rotate_key() -> None:
    """Make a new signing key; the old one stays published for three days."""
    key = services.rotate_key()
    click.echo(f"The tool now signs with key {key.kid}; earlier keys stay published for three days.")


COMMANDS = (lti_cli,)
