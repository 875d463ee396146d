"""A product's packagings, edited on the product's page."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from inventory.barcodes import barcode_normalize
from inventory.models import Packaging
from inventory.selectors import barcode_taken


class PackagingForm(forms.ModelForm):
    class Meta:
        model = Packaging
        fields = ("code", "name", "quantity", "barcode", "can_receive", "can_ship")

    def clean_barcode(self):
        barcode = barcode_normalize(self.cleaned_data.get("barcode"))
        taken = barcode_taken(barcode, packaging=self.instance)
        if taken:
            raise ValidationError(f"{taken.capitalize()} has the barcode {barcode}.")
        return barcode


class PackagingInline(admin.TabularInline):
    model = Packaging
    form = PackagingForm
    extra = 0
    verbose_name_plural = "packagings (cases, pallets…: quantity in stock steps)"
