"""The demo library: accepted writings shared by their authors (accounts made for authors without
a login), comments from cohort members, one hidden with a reason; once only."""

from __future__ import annotations

from library_helpers import accepted_writing

from guazhi.audit.models import AuditRecord
from guazhi.library.demo_data import HIDDEN, seed_library
from guazhi.library.models import Comment, Share
from tests.search.search_helpers import titles


def test_the_demo_library(client_for, programme_admin, cadre_a, cadre_b, cadre_user):
    first = accepted_writing(cadre_a.secondments.get(), cadre_user, title="柳溪镇招商体会")
    second = accepted_writing(cadre_b.secondments.get(), cadre_user, title="东关街道服务企业小结")

    assert seed_library(admin=programme_admin) == 2

    shares = {s.writing_id: s for s in Share.objects.select_related("shared_by")}
    assert set(shares) == {first.pk, second.pk}
    assert shares[first.pk].shared_by == cadre_user  # the author's own login
    made = shares[second.pk].shared_by  # 李秀英 had none: one without a usable password
    assert made.cadre_id == cadre_b.pk and not made.has_usable_password()
    comments = list(Comment.objects.select_related("author", "share__writing"))
    assert comments
    for c in comments:
        assert c.author.cadre_id != c.share.writing.secondment.cadre_id
        assert c.created_at >= c.share.shared_at
    hidden = Comment.objects.get(is_hidden=True)
    assert hidden.text == HIDDEN[1] and hidden.hide_reason == HIDDEN[2]
    assert hidden.hidden_by == programme_admin
    assert AuditRecord.objects.filter(object_type="library.share").count() == 2
    assert "东关街道服务企业小结" in titles(client_for(cadre_user), "企业")

    assert seed_library(admin=programme_admin) == 0
    assert Share.objects.count() == 2
