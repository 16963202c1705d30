"""A 25k-row roster export does not freeze the site on SQLite: other users' page views and
writes complete while it runs (it used to hold the write lock for the whole build)."""

from __future__ import annotations

import threading

from tests.live_sqlite import sqlite_server

SETUP = """
from roster_data import Scale, populate
populate(Scale(cadres=12_500, secondments=25_000, audit_records=0, host_units=20))
"""


def test_page_views_and_writes_complete_during_a_25k_row_export():
    with sqlite_server(SETUP, users=("bench_admin",)) as server:
        session = server.sessions["bench_admin"]
        done: dict[str, object] = {}

        def export() -> None:
            status, body, headers = server.request("/roster/cadres/export.xlsx", session=session)
            done["export"] = (status, len(body), headers.get("Content-Type", ""))

        exporter = threading.Thread(target=export)
        exporter.start()
        statuses: list[int] = []
        completed_while_exporting = 0
        # A page view and a write (the reveal writes an audit record) while the export runs.
        while exporter.is_alive() and len(statuses) < 40:
            statuses.append(server.request("/roster/cadres/", session=session)[0])
            statuses.append(server.request("/roster/cadres/1/reveal/", session=session, data={})[0])
            completed_while_exporting += 2 if exporter.is_alive() else 0
        exporter.join()

        status, size, content_type = done["export"]  # type: ignore[misc]
        assert status == 200 and "spreadsheetml" in content_type and size > 100_000
        assert statuses and all(s == 200 for s in statuses), statuses
        assert completed_while_exporting >= 2, "no request completed while the export ran"
