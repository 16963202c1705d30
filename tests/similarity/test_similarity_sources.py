"""The source-hiding rule: a passage copied from a writing the viewer may not see is "内部材料"
with its cohort — never the author, their unit or the writing's title — on the page, in the
side-by-side view and in the Word report; a viewer who may see the source gets its name and a
link."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from similarity_testdata import prose

from guazhi.similarity import sources, store
from guazhi.similarity.models import ReferenceText, Report

pytestmark = pytest.mark.django_db

COHORT_LABEL = "内部材料（2026年第二批墩苗历练干部）"
SECRET_TITLE = "东关街道接访工作体会"


@pytest.fixture
def copied_report(submit, cadre_user, other_cadre_user):
    """张建国 (柳溪镇) copies most of 李秀英's (东关街道) writing, whose last line names her."""
    original = prose(30) + "\n执笔：东关街道李秀英。"
    submit(other_cadre_user, original, title=SECRET_TITLE)
    version = submit(cadre_user, prose(31, 300) + "\n" + original[:1000])
    report = Report.objects.get(version=version)
    assert report.passages, "the copy must be found for these tests to mean anything"
    return report


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


HIDDEN = ("李秀英", SECRET_TITLE, "市财政局", "lixiuying")


@pytest.mark.parametrize("viewer", ["host_liaison", "cadre_user"])
def test_a_viewer_who_may_not_see_the_source_gets_internal_material(
    request, viewer, copied_report, client_for
):
    client = client_for(request.getfixturevalue(viewer))
    pages = {
        "report": client.get(copied_report.get_absolute_url()),
        "compare": client.get(
            reverse("similarity:report_compare", args=[copied_report.pk]) + "?p=1"
        ),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert COHORT_LABEL in html, name
        for secret in HIDDEN:
            assert secret not in html, (name, secret)
        assert "/writings/versions/" not in html, name  # no link to the source

    docx = client.get(reverse("similarity:report_docx", args=[copied_report.pk]))
    assert docx.status_code == 200
    text = _docx_text(docx.content)
    assert COHORT_LABEL in text
    for secret in HIDDEN:
        assert secret not in text, secret


def test_the_admin_sees_the_source_with_its_author_and_a_link(
    copied_report, programme_admin, client_for
):
    client = client_for(programme_admin)
    html = client.get(copied_report.get_absolute_url()).content.decode()
    source = copied_report.passages[0]["source_id"]
    assert f"《{SECRET_TITLE}》（李秀英，2026年第二批墩苗历练干部）" in html
    assert reverse("writings:version_detail", args=[int(source[1:])]) in html
    assert COHORT_LABEL not in html
    text = _docx_text(
        client.get(reverse("similarity:report_docx", args=[copied_report.pk])).content
    )
    assert "李秀英" in text


def test_the_highlighted_text_marks_the_copied_passage(copied_report, client_for, cadre_user):
    html = client_for(cadre_user).get(copied_report.get_absolute_url()).content.decode()
    assert html.count('class="sim-copied"') >= 1
    assert "?p=1" in html
    assert 'data-testid="verdict"' in html and "复制比过高" in html


def test_a_reference_source_shows_its_title(submit, cadre_user, programme_admin, client_for):
    essay = prose(32)
    ReferenceText.objects.create(
        title="挂职锻炼心得体会范文（某范文网）",
        text=essay,
        chars=len(essay),
        sha256="b" * 64,
        uploaded_by=programme_admin,
    )
    store.rebuild()
    report = Report.objects.get(version=submit(cadre_user, essay))
    html = client_for(cadre_user).get(report.get_absolute_url()).content.decode()
    assert "参考范文《挂职锻炼心得体会范文（某范文网）》" in html
    assert reverse("similarity:reference_detail", args=[1]) not in html  # admin only
    admin_html = client_for(programme_admin).get(report.get_absolute_url()).content.decode()
    assert "/similarity/corpus/" in admin_html


def test_the_home_liaison_and_other_cadres_see_no_report(
    copied_report, home_liaison, other_cadre_user, client_for
):
    for user in (home_liaison, other_cadre_user):
        assert client_for(user).get(copied_report.get_absolute_url()).status_code == 404


def test_the_version_link_leads_to_its_report(copied_report, client_for, host_liaison):
    response = client_for(host_liaison).get(
        reverse("similarity:version_report", args=[copied_report.version_id])
    )
    assert response.status_code == 302
    assert response["Location"] == copied_report.get_absolute_url()


def test_a_hidden_sources_text_has_its_authors_name_masked(copied_report, host_liaison):
    source_id = copied_report.passages[0]["source_id"]
    source = sources.resolve([source_id], host_liaison)[source_id]
    assert source.hidden and source.url == ""
    assert "李秀英" not in source.text and "执笔：东关街道×××。" in source.text
