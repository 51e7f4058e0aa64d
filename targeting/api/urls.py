app_name = "targeting_api"
urlpatterns: list = []
