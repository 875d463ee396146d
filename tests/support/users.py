"""Users in the role groups, and API clients that authenticate as them."""

from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory
from wms.models import ApiToken
from wms.roles import sync_roles
from wms.tokens import api_token_create, token_digest


def user_with(*, groups=(), perms=(), **kwargs):
    """A user in the named groups and with the named permissions ("app_label.codename").

    Without a password unless given one: API users log in with tokens, and hashing is slow.
    """
    if groups:
        sync_roles(Group, Permission)  # a transactional test may have flushed the role groups
    user = UserFactory(**{"password": None, **kwargs})
    user.save(update_fields=["password"])  # the factory sets it after its own save
    user.groups.set(Group.objects.filter(name__in=groups))
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def api_client(user=None) -> APIClient:
    """A client that authenticates as ``user`` with its API token (anonymous without one)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


_keys: dict[int, str] = {}  # user id -> its key, for as long as the user's token is that one


def api_key(user) -> str:
    """The API key of ``user``: made once, then the same for every client of the user."""
    key = _keys.get(user.pk)
    if key is None or not ApiToken.objects.filter(user=user, digest=token_digest(key)).exists():
        key = _keys[user.pk] = api_token_create(user=user)
    return key


def staff_user(role: str):
    """A staff user in one of the role groups who can log in with PASSWORD (browser tests)."""
    return user_with(groups=[role], is_staff=True, password=PASSWORD)
