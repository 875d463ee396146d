"""A small generated warehouse (manage.py generate_load_data) for tests: with a few documents of
each kind made through the services too, so that what reads the generated ledger (as-of,
closings, archives, long lists) reads their movements as well."""

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
    "--service-documents",
    "8",
]
