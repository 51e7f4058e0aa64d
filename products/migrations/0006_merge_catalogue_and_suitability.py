# The all-products page (0004) and the risk questionnaire (0005) were written at the same time;
# this joins the two branches whichever of them the other depends on. No operations.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0004_product_catalogue_page"),
        ("products", "0005_risk_assessment_and_suitability"),
    ]

    operations = []
