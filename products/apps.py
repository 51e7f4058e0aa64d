from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = "Products"

    def ready(self) -> None:
        from products import personal_data

        personal_data.register()  # applications in download and erasure (docs/privacy.md)
        from products import suitability_data

        suitability_data.register()  # risk assessments (docs/suitability.md)
