app_name = "clearing"
urlpatterns: list = []
