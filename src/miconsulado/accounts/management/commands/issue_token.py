from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from miconsulado.accounts.models import User
from miconsulado.accounts.services import issue_token
from miconsulado.core.errors import DomainError


class Command(BaseCommand):
    help = "Issue an API bearer token for a user. The token is printed once and never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--label", default="", help="What the token is for (e.g. 'ivr').")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Unknown user: {username!r}")
        try:
            token = issue_token(user=user, label=options["label"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        # The token alone on stdout, so scripts can capture it; the note goes to stderr.
        self.stdout.write(token)
        self.stderr.write(
            f"Token issued for {username}. It is shown only now: store it safely (only its hash is kept)."
        )
