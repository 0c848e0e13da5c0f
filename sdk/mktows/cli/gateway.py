"""``mktows gateway``: serve a SOAP endpoint for legacy SOAP clients, answered through Marketo's REST API
(``mktows.gateway``), until Ctrl-C or SIGTERM. It says where it listens and which REST endpoint it forwards
to; the client secret is never shown (prefer $MKTOWS_CLIENT_SECRET: flags show in process lists)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mktows.cli.rest_options import ENV_REST_ENDPOINT, add_rest_options, read_rest_settings
from mktows.cli.settings import Setting, UsageError

DEFAULT_PORT = 8711


def add_parser(commands: Any) -> argparse.ArgumentParser:
    """Add the ``gateway`` command to the ``mktows`` subcommands."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "gateway",
        help="serve a SOAP endpoint for legacy SOAP clients, answered through Marketo's REST API",
        description="A SOAP endpoint (signatures checked against the users of --config, like Marketo did) "
        "whose calls are answered by Marketo's REST API: a legacy SOAP application changes only its "
        "endpoint URL.",
    )
    add_rest_options(parser, "the REST API it forwards to")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks one)"
    )
    parser.add_argument(
        "--config",
        help="config file (JSON or TOML, as for the emulator): the SOAP users whose signatures are "
        "accepted, [settings] freshness window, [limits]",
    )
    parser.add_argument(
        "--allow-demo-credentials",
        action="store_true",
        help="allow a non-loopback --host with the docs' public demo user and key",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; exit code 0, or 1 with the reason (a missing option, a bad config or
    address)."""
    from mktows.emulator.cli import serve_until_signalled
    from mktows.emulator.config import ConfigError, load_config
    from mktows.gateway import Gateway

    try:
        if not Setting.of(args.rest_endpoint, "--rest-endpoint", ENV_REST_ENDPOINT).value:
            raise UsageError(f"--rest-endpoint or ${ENV_REST_ENDPOINT} is required")
        rest = read_rest_settings(args)
        assert rest is not None  # an endpoint is set
        gateway = Gateway(
            str(rest.endpoint.value),
            str(rest.client_id.value),
            str(rest.client_secret.value),
            identity_endpoint=rest.identity_endpoint.value,
            foreign_sys_person_id_field=rest.foreign_sys_person_id_field.value,
            config=load_config(args.config),
            host=args.host,
            port=args.port,
            allow_demo_credentials=args.allow_demo_credentials,
        )
        gateway.start()
    except (ConfigError, OSError, ValueError, UsageError) as exc:
        print(f"mktows gateway: {exc}", file=sys.stderr, flush=True)
        return 1
    users = ", ".join(user.user_id for user in gateway.config.users)
    lines = [
        f"mktows gateway: serving {gateway.endpoint} (WSDL: {gateway.endpoint}?WSDL)",
        f"  forwarding to REST {gateway.rest_endpoint} (identity: {gateway.rest.identity_endpoint}),"
        f" client id: {gateway.rest.client_id} (client secret: given; not shown)",
        f"  SOAP users accepted: {users} (encryption keys: the configured ones; not shown)",
        "  Ctrl-C stops it.",
    ]
    print("\n".join(lines), file=sys.stderr, flush=True)
    serve_until_signalled(lambda: gateway.running, gateway.stop)
    print("mktows gateway: stopped", file=sys.stderr, flush=True)
    return 0
