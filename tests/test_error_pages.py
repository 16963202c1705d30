"""Users see the app's own Chinese error pages, never Django's English debug pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path, reverse

from guazhi.urls import urlpatterns as site_urls
from tests.conftest import verify_second_factor


def _boom(request):
    raise RuntimeError("数据库连接中断（测试）")


urlpatterns = [*site_urls, path("boom/", _boom)]


def test_debug_is_off_by_default(settings):
    from guazhi import settings as project_settings

    assert project_settings.DEBUG is False


def test_missing_page_for_a_cadre_is_chinese(client_for, cadre_user):
    response = client_for(cadre_user).get("/roster/nothing-here/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body
    assert "Page not found" not in body and "URLconf" not in body


def test_page_of_another_cadre_is_a_plain_404(client_for, cadre_user, cadre_b):
    response = client_for(cadre_user).get(reverse("roster:cadre_detail", args=[cadre_b.pk]))
    assert response.status_code == 404
    assert "李秀英" not in response.content.decode()


@pytest.mark.urls(__name__)
def test_server_error_page_is_chinese_and_logged(client_for, programme_admin, caplog):
    client = client_for(programme_admin)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()
    assert any("boom" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")


def test_csrf_failure_page_is_chinese(programme_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(programme_admin)
    verify_second_factor(client, programme_admin)
    response = client.post(reverse("roster:cohort_create"), {"name": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
