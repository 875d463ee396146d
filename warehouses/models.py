from django.db import models

from wms.db import NamedIndex


class Warehouse(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    location = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "warehouses"
        ordering = ["code"]
        indexes = [NamedIndex(fields=["location"], name="ix_warehouses_location")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(code=""), name="check_warehouses_code_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
