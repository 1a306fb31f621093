"""Pairs of registry persons that may be one person, the officers' decisions on them, and merges."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.fields import MomentField
from jaring.core.models import Job
from jaring.registry.models import Person


class MatchPair(models.Model):
    """Two persons of the registry the model finds alike (`person_a` has the smaller id). Open pairs wait in the
    review queue; a decision is kept, so a pair decided "different people" is never asked again."""

    class Status(models.TextChoices):
        OPEN = "open", _("Perlu diperiksa")
        SAME = "same", _("Orang yang sama (digabung)")
        DIFFERENT = "different", _("Orang berbeda")

    person_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("orang A"))
    person_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("orang B"))
    probability = models.FloatField(_("peluang orang yang sama"))
    levels = models.JSONField(_("tingkat kecocokan"))  # comparisons.COMPARISONS order
    context = models.PositiveSmallIntegerField(default=0)  # comparisons.CONTEXT_* flags
    reasons = models.CharField(_("alasan"), max_length=500)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = MomentField(_("ditemukan"), auto_now_add=True)
    found_by = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="one_match_pair_per_two_persons"),
            models.CheckConstraint(condition=models.Q(person_a__lt=models.F("person_b")), name="match_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="match_pair_queue")]
        verbose_name = _("pasangan kemungkinan ganda")
        verbose_name_plural = _("pasangan kemungkinan ganda")

    def __str__(self) -> str:
        return f"{self.person_a_id}~{self.person_b_id} ({self.probability:.2f})"


class PersonMerge(models.Model):
    """The records of one person joined: everything of `merged` (applications, places, memberships, batch rows)
    now belongs to `survivor`; `merged` stays as the alias of its NIK. `moved` names every row moved, so the merge
    can be undone exactly; `filled` holds the survivor's fields filled from the merged record, with their old
    values."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("catatan tetap"))
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("catatan digabung"))
    pair = models.ForeignKey(MatchPair, on_delete=models.PROTECT, null=True, blank=True, related_name="merges")
    moved = models.JSONField(_("baris yang dipindah"), default=dict)  # {"app_label.model": [ids]}
    filled = models.JSONField(_("data yang dilengkapi"), default=dict)  # {field: old value}
    created_at = MomentField(_("digabung"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("oleh"), max_length=150)
    undone_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A record is merged into at most one other at a time (an undone merge frees it).
            models.UniqueConstraint(
                fields=["merged"], condition=models.Q(undone_at__isnull=True), name="one_live_merge_per_person"
            ),
            models.CheckConstraint(condition=~models.Q(survivor=models.F("merged")), name="merge_two_persons"),
        ]
        verbose_name = _("penggabungan catatan")
        verbose_name_plural = _("penggabungan catatan")

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.survivor_id}"

    @property
    def live(self) -> bool:
        return self.undone_at is None
