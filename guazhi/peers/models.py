"""Learning from the cohort (同届资源): for each secondment, the peers (of any cohort) whose
recorded work is most similar, precomputed by `guazhi.peers.refresh` (a background task, the
`manage.py peers_refresh` command) from the ledger's running totals and the words of the ledger
and shared writings. Pages read these rows; they never compute similarity on a request.

Which links a user may read is `PeerLink.objects.visible_to(user)`: the links of secondments the
user may see (the roster's rule). What the page then shows about each peer is decided in
`guazhi.peers.experience` (docs/peers.md: privacy).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from guazhi.roster.models import Secondment

if TYPE_CHECKING:
    from guazhi.accounts.models import User


class PeerProfile(models.Model):
    """A secondment's heaviest words (TF-IDF over its ledger and shared writings) at the last
    refresh: shown as "your key words" and used to pick a peer's most relevant problems."""

    secondment = models.OneToOneField(
        Secondment, on_delete=models.CASCADE, primary_key=True, related_name="peer_profile"
    )
    keywords = models.JSONField("关键词", default=list)
    computed_at = models.DateTimeField("计算时间", default=timezone.now)

    class Meta:
        verbose_name = "同届经验画像"
        verbose_name_plural = "同届经验画像"

    def __str__(self) -> str:
        return f"{self.secondment_id}: {' '.join(self.keywords[:5])}"


class PeerLinkQuerySet(models.QuerySet["PeerLink"]):
    def visible_to(self, user: User) -> PeerLinkQuerySet:
        """The peers of secondments the user may see; nothing for IT admins."""
        if user.is_programme_admin:
            return self.all()
        if not user.has_business_role:
            return self.none()
        return self.filter(secondment__in=Secondment.objects.visible_to(user).values("pk"))


class PeerLink(models.Model):
    """One of a secondment's most similar peers, with its rank, score and reasons:
    {"text", "categories", "figures": the three cosines; "terms": shared words;
    "category_ids", "field_ids": shared categories and figure fields}."""

    secondment = models.ForeignKey(Secondment, on_delete=models.CASCADE, related_name="peer_links")
    peer = models.ForeignKey(Secondment, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField("排名")
    score = models.FloatField("相似度")
    reasons = models.JSONField("相似原因", default=dict)
    computed_at = models.DateTimeField("计算时间", default=timezone.now)

    objects = PeerLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "相似干部"
        verbose_name_plural = "相似干部"
        ordering = ["secondment_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["secondment", "peer"], name="peer_link_unique"),
        ]
        indexes = [models.Index(fields=["secondment", "rank"], name="peer_link_rank")]

    def __str__(self) -> str:
        return f"{self.secondment_id} → {self.peer_id} ({self.score:.2f})"

    @property
    def percent(self) -> int:
        return round(max(0.0, min(1.0, self.score)) * 100)
