from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from inventory.models import Product
from warehouses.models import Warehouse


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Warehouse {o.code}")
    location = "Rotterdam"


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.LazyAttribute(lambda o: f"Product {o.sku}")
    price = Decimal("9.99")


PASSWORD = "pw-for-tests-only"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


# The product page's packagings inline, empty: what a browser posts with the product's form.
NO_PACKAGINGS = {
    "packagings-TOTAL_FORMS": 0,
    "packagings-INITIAL_FORMS": 0,
    "packagings-MIN_NUM_FORMS": 0,
    "packagings-MAX_NUM_FORMS": 1000,
}
