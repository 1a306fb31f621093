"""In-kind aid: what was handed to each recipient of a goods programme, per month (or once), and the scans of
the signed delivery lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.allocation.models import Place
from jaring.core.fields import MomentField
from jaring.programmes.models import Programme
from jaring.registry.models import Person, StoredDocument


class Receiver(models.TextChoices):
    RECIPIENT = "recipient", _("Penerima sendiri")
    REPRESENTATIVE = "representative", _("Diwakilkan")


class DeliveryScan(StoredDocument):
    """A scan (photo or PDF) of a signed delivery list of one month, kept as evidence for the deliveries it
    covers. A newer scan of the same month supersedes the older one."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="delivery_scans", verbose_name=_("program")
    )
    period = models.DateField(_("bulan"))

    class Meta(StoredDocument.Meta):
        ordering = ["programme", "period", "-uploaded_at"]
        verbose_name = _("pindaian daftar tanda terima")
        verbose_name_plural = _("pindaian daftar tanda terima")

    def __str__(self) -> str:
        return f"{self.programme_id} {self.period:%Y-%m}"


class Delivery(models.Model):
    """Goods handed to a person holding a place in a goods programme, for one period: the first day of the
    month for monthly aid, the first month of the programme for aid given once. One per place and period (the
    database decides, so a double submission makes one)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("program")
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("penerima"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("orang"))
    period = models.DateField(_("bulan"))
    delivered_on = models.DateField(_("tanggal diserahkan"))
    received_by = models.CharField(
        _("diterima oleh"), max_length=15, choices=Receiver.choices, default=Receiver.RECIPIENT
    )
    representative_name = models.CharField(_("nama wakil"), max_length=150, blank=True)
    representative_relation = models.CharField(_("hubungan dengan penerima"), max_length=60, blank=True)
    quantity = models.PositiveSmallIntegerField(_("jumlah"), default=1)
    signed = models.BooleanField(_("ditandatangani"), default=False)
    scan = models.ForeignKey(
        DeliveryScan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("pindaian daftar"),
    )
    handed_over_by = models.CharField(_("petugas yang menyerahkan"), max_length=150)
    notes = models.CharField(_("catatan"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = MomentField(_("dicatat"), auto_now_add=True)
    corrected_at = models.DateTimeField(_("dikoreksi"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "period", "place"]
        indexes = [models.Index(fields=["programme", "period"])]
        constraints = [
            models.UniqueConstraint(fields=["place", "period"], name="one_delivery_per_recipient_period"),
            models.CheckConstraint(
                condition=~models.Q(received_by="representative") | ~models.Q(representative_name=""),
                name="representative_is_named",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="delivery_quantity_positive"),
        ]
        verbose_name = _("penyerahan bantuan")
        verbose_name_plural = _("penyerahan bantuan")

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.place_id} {self.period:%Y-%m}"
