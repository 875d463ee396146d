from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wms.models import ApiToken
from wms.tokens import api_token_create


class Command(BaseCommand):
    help = (
        "Create the API token of a user; --rotate replaces the one it has. Only a digest of "
        "the key is kept, so the key is shown once, now. "
        "With --group, a missing user is created for the integration (API only, no password) "
        "and put in that group. The key is printed alone on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="Replace the user's token with a new one."
        )
        parser.add_argument(
            "--group",
            help='Create the user if missing and add it to this group, e.g. "Warehouse clerk".',
        )

    def handle(self, *args, username, rotate, group, **options):
        with transaction.atomic():
            user = self._user(username, group)
            old = ApiToken.objects.select_for_update().filter(user=user).first()
            if old is not None and not rotate:
                raise CommandError(
                    f"{username} already has an API token ({old.prefix}…). Its key is not kept "
                    "and cannot be shown again; --rotate replaces it with a new one."
                )
            key = api_token_create(user=user)
        if old is not None:
            self.stdout.write(f"New API token for {username} (the old one no longer works):")
        else:
            self.stdout.write(f"New API token for {username} (shown once, keep it now):")
        self.stdout.write(key)

    def _user(self, username: str, group_name: str | None):
        users = get_user_model()
        user = users.objects.filter(username=username).first()
        if group_name is None:
            if user is None:
                raise CommandError(
                    f"No user named {username!r}. Create it in the admin, or give --group "
                    '(e.g. --group "Warehouse clerk") to create it here.'
                )
        else:
            group = Group.objects.filter(name=group_name).first()
            if group is None:
                names = ", ".join(sorted(Group.objects.values_list("name", flat=True)))
                raise CommandError(f"No group named {group_name!r}. Groups: {names}.")
            if user is None:
                user = users.objects.create_user(username=username)  # no password: API only
                self.stdout.write(f"Created user {username} for the API.")
            user.groups.add(group)
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; a token would not work.")
        return user
