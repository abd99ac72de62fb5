"""A URL configuration with one view that fails, for the development error pages' test."""

from django.urls import path


def boom(request):
    raise RuntimeError("测试用的错误")


urlpatterns = [path("boom/", boom)]
