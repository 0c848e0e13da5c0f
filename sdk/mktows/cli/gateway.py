"""``mktows gateway``: serve a SOAP endpoint for legacy SOAP clients, answered through Marketo's REST API
(``mktows.gateway``), until Ctrl-C or SIGTERM. It says where it listens and which REST endpoint it forwards
to; the client secret is never shown (prefer $MKTOWS_CLIENT_SECRET: flags show in process lists)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

ENV_REST_ENDPOINT = "MKTOWS_REST_ENDPOINT"
ENV_CLIENT_ID = "MKTOWS_CLIENT_ID"
ENV_CLIENT_SECRET = "MKTOWS_CLIENT_SECRET"
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
    parser.add_argument(
        "--rest-endpoint",
        help=f"the instance's REST endpoint, e.g. https://123-ABC-456.mktorest.com/rest (${ENV_REST_ENDPOINT})",
    )
    parser.add_argument("--client-id", help=f"REST API client id (${ENV_CLIENT_ID})")
    parser.add_argument(
        "--client-secret",
        help=f"REST API client secret; prefer ${ENV_CLIENT_SECRET}, flags show in process lists",
    )
    parser.add_argument(
        "--identity-endpoint", help="the identity endpoint (default: the REST endpoint's host, /identity)"
    )
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


def _required(args: argparse.Namespace, name: str, env: str) -> str:
    value = getattr(args, name) or os.environ.get(env, "")
    if not value.strip():
        raise ValueError(f"--{name.replace('_', '-')} or ${env} is required")
    return str(value).strip()


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; exit code 0, or 1 with the reason (a missing option, a bad config or
    address)."""
    from mktows.emulator.cli import serve_until_signalled
    from mktows.emulator.config import ConfigError, load_config
    from mktows.gateway import Gateway

    try:
        gateway = Gateway(
            _required(args, "rest_endpoint", ENV_REST_ENDPOINT),
            _required(args, "client_id", ENV_CLIENT_ID),
            _required(args, "client_secret", ENV_CLIENT_SECRET),
            identity_endpoint=args.identity_endpoint,
            config=load_config(args.config),
            host=args.host,
            port=args.port,
            allow_demo_credentials=args.allow_demo_credentials,
        )
        gateway.start()
    except (ConfigError, OSError, ValueError) as exc:
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
