from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = "Products"

    def ready(self) -> None:
        # local: ready(): models exist only once the app registry is loaded
        from products import personal_data

        personal_data.register()  # applications in download and erasure (docs/privacy.md)
        # local: ready(): models exist only once the app registry is loaded
        from products import suitability_data

        suitability_data.register()  # risk assessments (docs/suitability.md)
