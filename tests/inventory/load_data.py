"""A small generated warehouse (manage.py generate_load_data) for tests."""

SMALL = [
    "--products",
    "60",
    "--warehouses",
    "2",
    "--zones",
    "2",
    "--aisles",
    "2",
    "--shelves",
    "3",
    "--documents",
    "400",
    "--movements",
    "3000",
]
