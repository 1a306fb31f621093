"""An aid scheme gives goods, not BPJS cover: none of its recipients is put in a BPJS batch, carded, billed,
re-verified as a member or claimed for, and BPJS pages and lists leave it out, saying why in Bahasa Indonesia.
Its places stand beside BPJS cover: a covered worker may also receive food aid."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.allocation.models import Place
from jaring.claims.models import ClaimKind
from jaring.claims.services import claim_report
from jaring.contributions.figures import contribution_programmes
from jaring.contributions.invoices import invoice_prepare
from jaring.contributions.services import arrears_apply, billing_terms_set
from jaring.core.actors import Actor
from jaring.core.models import User
from jaring.enrolment.answers import answer_import
from jaring.enrolment.cards.services import card_print_start
from jaring.enrolment.models import Batch, Membership
from jaring.enrolment.selectors import programmes_visible_to, reverification_targets
from jaring.enrolment.services import batch_create, column_template_set, reverification_start
from jaring.programmes.models import Programme
from jaring.programmes.selectors import NotForBpjs, programmes_taking_registrations
from jaring.registry.models import Application, Channel
from jaring.registry.services import application_create, application_transition
from jaring.registry.states import Transition
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide

pytestmark = pytest.mark.today("2026-03-10")

MESSAGE = "bukan perlindungan BPJS Ketenagakerjaan"


def test_an_aid_scheme_is_never_put_in_a_bpjs_batch(
    food_aid: Programme, recipient_of: Callable[..., Place], programme_manager: User
) -> None:
    recipient_of(food_aid)
    for actor in (programme_manager, "sistem"):
        with pytest.raises(NotForBpjs) as refused:
            batch_create(programme=food_aid, actor=actor)
        assert MESSAGE in refused.value.message and refused.value.field == "programme"
    with pytest.raises(NotForBpjs):
        column_template_set(programme=food_aid, columns=["nik"], actor=programme_manager)
    with pytest.raises(NotForBpjs):
        answer_import(programme=food_aid, file_name="jawaban.csv", content=b"nik;status\n", actor=programme_manager)
    assert not Batch.objects.filter(programme=food_aid).exists()


def test_the_bpjs_pages_of_an_aid_scheme_answer_why_not(
    food_aid: Programme, programme_manager: User, client_for
) -> None:
    client = client_for(programme_manager)
    for url in (f"/kepesertaan/{food_aid.code}/batch/", f"/kepesertaan/{food_aid.code}/kartu/"):
        answer = client.get(url)
        assert answer.status_code == 400, url
        assert MESSAGE in answer.content.decode()
    made = client.post(f"/kepesertaan/{food_aid.code}/batch/buat/", {"seen": "0"})
    assert made.status_code == 400 and not Batch.objects.exists()


def test_an_aid_scheme_is_not_carded_billed_or_re_verified(
    food_aid: Programme, bpn_2026: Programme, programme_manager: User
) -> None:
    with pytest.raises(NotForBpjs):
        card_print_start(programme=food_aid, selection={}, actor=programme_manager)
    with pytest.raises(NotForBpjs):
        billing_terms_set(programme=food_aid, actor=programme_manager, due_day=15)
    with pytest.raises(NotForBpjs):
        invoice_prepare(programme=food_aid, file_name="tagihan.xlsx", content=b"PK", actor=programme_manager)
    with pytest.raises(NotForBpjs):
        arrears_apply(programme=food_aid, actor=Actor.system("sistem"), on=date(2026, 3, 10))
    with pytest.raises(NotForBpjs):
        reverification_start(source=food_aid, target=bpn_2026, actor=programme_manager)


def test_no_claim_is_opened_on_an_aid_scheme(
    food_aid: Programme, recipient_of: Callable[..., Place], registration_officer: User
) -> None:
    place = recipient_of(food_aid)
    # A membership can only come from a BPJS answer; one written by hand (a bad import) is still no cover.
    membership = Membership.objects.create(
        programme=food_aid,
        person=place.person,
        application=place.application,
        place=place,
        kpj="26071000001",
        starts=place.starts,
        ends=place.ends,
        status_since=place.starts,
    )
    with pytest.raises(NotForBpjs):
        claim_report(
            membership=membership,
            kind=ClaimKind.JKM,
            event_date=date(2026, 3, 1),
            reported_by="Keluarga",
            actor=registration_officer,
            channel="counter",
        )


def test_bpjs_lists_leave_aid_schemes_out(food_aid: Programme, bpn_2026: Programme, programme_manager: User) -> None:
    assert list(programmes_visible_to(programme_manager)) == [bpn_2026]
    assert list(contribution_programmes(programme_manager)) == [bpn_2026]
    assert food_aid not in reverification_targets(bpn_2026)
    assert food_aid not in programmes_taking_registrations(on=date(2026, 3, 10))


def test_a_worker_covered_by_bpjs_may_also_receive_food_aid(
    food_aid: Programme,
    bpn_2026: Programme,
    register,
    registration_officer: User,
    dppp_verifier: User,
) -> None:
    worker: Application = register(bpn_2026, registration_officer, name="Pak Darto")
    application_decide(application=worker, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    aid = application_create(
        person=worker.person, programme=food_aid, channel=Channel.COUNTER, actor=registration_officer
    )
    aid = application_transition(application=aid, transition=Transition.SUBMIT, actor=registration_officer)
    aid = application_transition(
        application=aid,
        transition=Transition.SEND_TO_VERIFICATION,
        actor=registration_officer,
        verifying_agency=dppp_verifier.agency,
    )
    application_decide(application=aid, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    assert Place.objects.filter(person_id=worker.person_id, status=Place.Status.ACTIVE).count() == 2
