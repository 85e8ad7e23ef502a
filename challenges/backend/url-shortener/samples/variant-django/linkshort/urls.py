from django.urls import path

from links import views

urlpatterns = [
    path("shorten", views.collection),
    path("shorten/<str:code>", views.item),
    path("shorten/<str:code>/stats", views.stats),
]
