"""The REST connection options of the commands that talk to Marketo's REST API: ``--rest-endpoint``,
``--client-id``, ``--client-secret`` (or MKTOWS_REST_ENDPOINT, MKTOWS_CLIENT_ID, MKTOWS_CLIENT_SECRET) and
``--identity-endpoint``. ``add_rest_options`` puts them on a parser; ``read_rest_settings`` reads them back,
checked, with where each came from (messages name the flag or variable, never a secret's value)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from mktows.cli.settings import Setting, UsageError
from mktows.rest._client import REST_ENDPOINT_EXAMPLE

ENV_REST_ENDPOINT = "MKTOWS_REST_ENDPOINT"
ENV_CLIENT_ID = "MKTOWS_CLIENT_ID"
ENV_CLIENT_SECRET = "MKTOWS_CLIENT_SECRET"
ENV_FOREIGN_ID_FIELD = "MKTOWS_FOREIGN_SYS_PERSON_ID_FIELD"

IDENTITY_ENDPOINT_EXAMPLE = REST_ENDPOINT_EXAMPLE.removesuffix("/rest") + "/identity"

_FLAGS = {  # argparse destination -> flag
    "rest_endpoint": "--rest-endpoint",
    "client_id": "--client-id",
    "client_secret": "--client-secret",
    "identity_endpoint": "--identity-endpoint",
    "foreign_sys_person_id_field": "--foreign-sys-person-id-field",
}


def add_rest_options(parser: argparse.ArgumentParser, title: str = "REST connection") -> None:
    """Add the REST connection options to ``parser``, in a group of their own."""
    group = parser.add_argument_group(title)
    group.add_argument(
        "--rest-endpoint",
        help=f"REST endpoint as Marketo shows it, e.g. {REST_ENDPOINT_EXAMPLE} (${ENV_REST_ENDPOINT})",
    )
    group.add_argument(
        "--client-id", help=f"OAuth client id of a LaunchPoint custom service (${ENV_CLIENT_ID})"
    )
    group.add_argument(
        "--client-secret", help=f"its client secret; prefer ${ENV_CLIENT_SECRET}, flags show in process lists"
    )
    group.add_argument(
        "--identity-endpoint",
        help=f"identity endpoint, e.g. {IDENTITY_ENDPOINT_EXAMPLE} (default: the REST endpoint's host /identity)",
    )
    group.add_argument(
        "--foreign-sys-person-id-field",
        help="the custom lead field that holds SOAP's foreignSysPersonId over REST (migration.md advises one; "
        f"${ENV_FOREIGN_ID_FIELD})",
    )


def rest_flags_given(args: argparse.Namespace) -> list[str]:
    """The REST flags set on this command line (for refusing them where they do not apply)."""
    return [flag for dest, flag in _FLAGS.items() if getattr(args, dest, None)]


@dataclass(frozen=True)
class RestSettings:
    """Where to reach the REST API and with which credentials; each value with where it came from."""

    endpoint: Setting
    client_id: Setting
    client_secret: Setting
    identity_endpoint: Setting
    foreign_sys_person_id_field: Setting

    @property
    def credentials(self) -> str:
        """Where the credentials came from, for a message about them (never their values)."""
        return f"the client id from {self.client_id.source} with the client secret from {self.client_secret.source}"


def read_rest_settings(args: argparse.Namespace) -> RestSettings | None:
    """The REST settings from flags or the environment; None when none is set. UsageError (naming the flag or
    variable at fault) for a malformed endpoint, a missing client id or secret, or credentials without an
    endpoint."""
    from mktows._transport import check_endpoint

    settings = RestSettings(
        endpoint=Setting.of(args.rest_endpoint, "--rest-endpoint", ENV_REST_ENDPOINT),
        client_id=Setting.of(args.client_id, "--client-id", ENV_CLIENT_ID),
        client_secret=Setting.of(args.client_secret, "--client-secret", ENV_CLIENT_SECRET),
        identity_endpoint=Setting.of(args.identity_endpoint, "--identity-endpoint", None),
        foreign_sys_person_id_field=Setting.of(
            args.foreign_sys_person_id_field, "--foreign-sys-person-id-field", ENV_FOREIGN_ID_FIELD
        ),
    )
    if not settings.endpoint.value:
        stray = [
            s.source
            for s in (settings.client_id, settings.client_secret, settings.identity_endpoint)
            if s.value
        ]
        if stray:  # credentials meant for an endpoint whose setting is missing or misspelt
            raise UsageError(
                f"{stray[0]} is set but no REST endpoint (--rest-endpoint or {ENV_REST_ENDPOINT}); set one, "
                f"or drop {stray[0]} to use the embedded emulator"
            )
        return None
    for setting, example in (
        (settings.endpoint, REST_ENDPOINT_EXAMPLE),
        (settings.identity_endpoint, IDENTITY_ENDPOINT_EXAMPLE),
    ):
        if setting.value:
            try:
                check_endpoint(setting.value, example)
            except ValueError as exc:
                raise UsageError(f"{setting.source}: {exc}") from None
    for setting, what, flag in (
        (settings.client_id, "client id", "--client-id"),
        (settings.client_secret, "client secret", "--client-secret"),
    ):
        if not setting.value:
            raise UsageError(
                f"the REST endpoint comes from {settings.endpoint.source}, but no {what} is set "
                f"({flag} or {setting.source})"
            )
    return settings
