from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Create the API token of a user, or show the one it has; --rotate replaces it. "
        "The key is printed alone on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="Replace the user's token with a new one."
        )

    def handle(self, *args, username, rotate, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; a token would not work.")
        with transaction.atomic():
            if rotate:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
        if rotate:
            self.stdout.write(f"New API token for {username} (the old one no longer works):")
        elif created:
            self.stdout.write(f"New API token for {username}:")
        else:
            self.stdout.write(f"Existing API token for {username} (--rotate replaces it):")
        self.stdout.write(token.key)
