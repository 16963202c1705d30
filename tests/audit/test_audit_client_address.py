"""The audit log records the client's address, taking X-Forwarded-For only from a trusted proxy."""

from django.test import RequestFactory, override_settings

from guazhi.audit.log import client_ip


def _request(remote: str, forwarded: str = ""):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@override_settings(GUAZHI_TRUSTED_PROXIES=["10.0.0.5"])
def test_behind_the_trusted_proxy_the_client_address_is_recorded():
    assert client_ip(_request("10.0.0.5", "192.168.7.20")) == "192.168.7.20"


@override_settings(GUAZHI_TRUSTED_PROXIES=["10.0.0.5"])
def test_a_forged_header_from_elsewhere_does_not_hide_the_real_address():
    assert client_ip(_request("192.168.7.99", "1.2.3.4")) == "192.168.7.99"


@override_settings(GUAZHI_TRUSTED_PROXIES=[])
def test_without_proxies_the_header_is_ignored():
    assert client_ip(_request("192.168.7.99", "1.2.3.4")) == "192.168.7.99"
    assert client_ip(None) == ""
