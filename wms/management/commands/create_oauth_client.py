from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from wms.models import ClientScopes
from wms.oauth import DEFAULT_SCOPES, SCOPES


class Command(BaseCommand):
    help = (
        "Create an OAuth2 client (client credentials grant) acting as USER, limited to SCOPES. "
        "Prints client_id and client_secret; the secret is stored hashed and shown only now."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--user", required=True, help="The user whose permissions it has.")
        parser.add_argument(
            "--scopes",
            default=",".join(DEFAULT_SCOPES),
            help=(
                f"Comma separated, of {', '.join(SCOPES)} "
                f"(default: {','.join(DEFAULT_SCOPES)}; introspection and audit only when asked)."
            ),
        )

    def handle(self, *args, name, user, scopes, **options):
        wanted = [scope.strip() for scope in scopes.split(",") if scope.strip()]
        unknown = sorted(set(wanted) - set(SCOPES))
        if unknown or not wanted:
            raise CommandError(
                f"Unknown scopes {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(SCOPES)}."
            )
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            raise CommandError(f"No user named {user!r}; create it first (create_api_token).")
        if not owner.is_active:
            raise CommandError(f"User {user!r} is inactive; its client would not work.")
        applications = get_application_model()
        if applications.objects.filter(name=name).exists():
            raise CommandError(f"An OAuth2 client named {name!r} exists already.")
        secret = generate_client_secret()
        with transaction.atomic():
            application = applications.objects.create(
                name=name,
                user=owner,
                client_type=applications.CLIENT_CONFIDENTIAL,
                authorization_grant_type=applications.GRANT_CLIENT_CREDENTIALS,
                client_secret=secret,  # hashed on save
            )
            ClientScopes.objects.create(
                application=application, scopes=" ".join(s for s in SCOPES if s in wanted)
            )
        self.stdout.write(f"client_id: {application.client_id}")
        self.stdout.write(f"client_secret: {secret}")
