from django.urls import path

from products import views

app_name = "products"
urlpatterns = [
    path("compare/", views.compare, name="compare"),
]
