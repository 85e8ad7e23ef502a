from django.urls import path

from links import views

urlpatterns = [
    path("shorten", views.create),
    path("shorten/<str:code>", views.one),
    path("shorten/<str:code>/stats", views.stats),
]
