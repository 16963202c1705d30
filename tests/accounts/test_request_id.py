"""Every response carries a request id; a 500 is logged with it (method, path, user id) to stderr
and the rotating file, and the Chinese 500 page shows it as 「错误编号」."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import path

from guazhi.lib.request_id import RequestContextFilter
from guazhi.urls import handler500  # noqa: F401 - the site's 500 view
from guazhi.urls import urlpatterns as site_urls


def _boom(request):
    raise RuntimeError("测试用的服务器错误")


urlpatterns = [*site_urls, path("boom/", _boom)]


def test_every_response_has_a_request_id():
    first = Client().get("/accounts/login/")["X-Request-ID"]
    second = Client().get("/accounts/login/")["X-Request-ID"]
    assert len(first) == 12 and first != second


def test_a_forged_request_id_is_replaced():
    response = Client(HTTP_X_REQUEST_ID="forged-by-client").get("/accounts/login/")
    assert response["X-Request-ID"] != "forged-by-client"


def test_a_trusted_proxys_request_id_is_kept(settings):
    settings.GUAZHI_TRUSTED_PROXIES = ["127.0.0.1"]
    response = Client(HTTP_X_REQUEST_ID="nginx-7f3a9c").get("/accounts/login/")
    assert response["X-Request-ID"] == "nginx-7f3a9c"
    odd = Client(HTTP_X_REQUEST_ID="<script>").get("/accounts/login/")
    assert odd["X-Request-ID"] != "<script>"


@pytest.mark.urls(__name__)
def test_a_500_shows_the_id_and_logs_it_with_method_path_and_user(
    programme_admin, client_for, caplog
):
    client = client_for(programme_admin)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/?x=1")
    request_id = response["X-Request-ID"]
    body = response.content.decode()
    assert response.status_code == 500
    assert (
        f'错误编号：<code class="user-select-all" data-testid="request-id">{request_id}</code>'
        in body
    )
    records = [r for r in caplog.records if r.levelname == "ERROR"]
    assert records and records[-1].exc_info is not None
    record = records[-1]
    RequestContextFilter().filter(record)
    assert record.request_id == request_id
    assert (record.method, record.path, record.user_id) == ("GET", "/boom/", programme_admin.pk)


def test_the_log_format_carries_the_request_context(settings):
    handlers = settings.LOGGING["handlers"]
    assert {"console", "file"} <= set(settings.LOGGING["loggers"]["django.request"]["handlers"])
    assert handlers["file"]["class"] == "logging.handlers.RotatingFileHandler"
    assert str(handlers["file"]["filename"]).startswith(str(settings.GUAZHI_LOG_DIR))
    fmt = settings.LOGGING["formatters"]["request"]["format"]
    for field in ("%(request_id)s", "%(method)s", "%(path)s", "%(user_id)s"):
        assert field in fmt


def test_the_file_handler_writes_the_line(tmp_path):
    """The configured handler chain, end to end, into a file of this test's own."""
    import logging.config

    from django.test import RequestFactory

    config = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": "guazhi.lib.request_id.RequestContextFilter"}},
        "formatters": {
            "request": {
                "format": "[%(request_id)s] %(method)s %(path)s user=%(user_id)s %(message)s"
            }
        },
        "handlers": {
            "file": {
                "class": "logging.handlers.RotatingFileHandler",
                "filename": tmp_path / "guazhi.log",
                "filters": ["request"],
                "formatter": "request",
                "encoding": "utf-8",
            }
        },
        "loggers": {"guazhi.test_request_id": {"handlers": ["file"], "level": "ERROR"}},
    }
    logging.config.dictConfig(config)
    request = RequestFactory().post("/ledger/new/")
    request.request_id = "abc123def456"
    logging.getLogger("guazhi.test_request_id").error("出错了", extra={"request": request})
    line = (tmp_path / "guazhi.log").read_text(encoding="utf-8")
    assert line.strip() == "[abc123def456] POST /ledger/new/ user=- 出错了"
