from django.urls import path

from products import assessment_views, views

app_name = "products"
urlpatterns = [
    path("compare/", views.compare, name="compare"),
    path("risk-assessment/", assessment_views.risk_assessment, name="risk_assessment"),
]
