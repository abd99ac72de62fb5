"""Personal data is never destroyed: a wrong key fails loudly and writes nothing; keys rotate.

《个人信息保护法》第五十一条; GB/T 22239-2019 8.1.4.7, 8.1.4.8 (docs/personal-data.md).
"""

from __future__ import annotations

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from core import pii
from disclosure import request_flow as flow
from disclosure.models import DisclosureRequest

from ..disclosure.factories import DisclosureRequestFactory

OLD = settings.PII_ENCRYPTION_KEYS[0]  # the test settings' key: every factory row is encrypted with it
NEW = Fernet.generate_key().decode()
STRANGER = Fernet.generate_key().decode()  # a key this installation never had
ID, PHONE = "110101199003071234", "13812345678"
COLUMNS = ("id_number", "phone", "id_number_hash", "phone_hash")


def stored(row: DisclosureRequest) -> tuple[str, ...]:
    """The row's columns exactly as the database holds them (no decryption)."""
    table = connection.ops.quote_name(DisclosureRequest._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {table} WHERE id = %s", [row.pk])  # noqa: S608 (our names)
        return cursor.fetchone()


def history_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in (DisclosureRequest.history.model,)}


def rotate(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_pii_keys", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# ---- the mechanism --------------------------------------------------------------------------


def test_round_trip_masks_and_hashes():
    token = pii.encrypt(ID)
    assert token != ID and pii.decrypt(token) == ID
    assert pii.mask_id(ID) == "110***********1234" and pii.mask_phone(PHONE) == "138****5678"
    assert pii.keyed_hash("138 1234-5678") == pii.keyed_hash(PHONE) != ""
    assert pii.encrypt("") == pii.decrypt("") == pii.keyed_hash("") == ""


def test_a_wrong_key_raises_and_never_returns_a_placeholder():
    token = pii.encrypt(ID)
    with override_settings(PII_ENCRYPTION_KEYS=[STRANGER]):  # the receiver forgets the cached keys
        with pytest.raises(pii.UndecryptableError) as raised:
            pii.decrypt(token)
        assert str(raised.value) == pii.OPERATOR_MESSAGE
        assert isinstance(raised.value, ValueError)
    assert pii.decrypt(token) == ID  # and back again when the override ends


def test_an_undecryptable_value_refuses_every_use_as_text():
    value = pii.Undecryptable("gAAAA-ciphertext", "disclosure.DisclosureRequest.phone")
    for use in (str, pii.mask_id, pii.mask_phone, pii.keyed_hash, pii.normalise, pii.encrypt, "{}".format):
        with pytest.raises(pii.UndecryptableError):
            use(value)
    assert "gAAAA" not in repr(value) and pii.is_undecryptable(value) and not pii.is_undecryptable("x")


def test_encrypted_fields_are_found_in_every_app():
    found = {model._meta.label: [f.name for f in fields] for model, fields in pii.encrypted_fields()}
    assert found["disclosure.DisclosureRequest"] == ["id_number", "phone"]
    assert "disclosure.HistoricalDisclosureRequest" not in found  # the history leaves them out


# ---- a wrong key destroys nothing --------------------------------------------------------------


@pytest.mark.django_db
def test_saving_a_request_loaded_with_a_wrong_key_changes_no_stored_byte(org, caplog):
    row = DisclosureRequestFactory(department=org.dept_a)
    before = stored(row)
    with override_settings(PII_ENCRYPTION_KEYS=[STRANGER]):
        loaded = DisclosureRequest.objects.get(pk=row.pk)
        assert pii.is_undecryptable(loaded.id_number) and pii.is_undecryptable(loaded.phone)
        with pytest.raises(pii.UndecryptableError):
            str(loaded.phone)
        loaded.address = "示范市西山区青年路1号"
        loaded.save()
        flow.register(DisclosureRequest.objects.get(pk=row.pk), org.users["owner"])  # a step saves too
        DisclosureRequest.objects.bulk_update([DisclosureRequest.objects.get(pk=row.pk)], ["phone", "address"])
    assert stored(row) == before  # ciphertext and hashes byte for byte
    again = DisclosureRequest.objects.get(pk=row.pk)
    assert (again.id_number, again.phone, again.status) == (ID, PHONE, "registered")
    assert again.address == "示范市西山区青年路1号"
    assert "gAAAA" not in caplog.text and ID not in caplog.text


# ---- rotation ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rotation_re_encrypts_every_row_under_the_first_key(org):
    rows = [DisclosureRequestFactory(department=org.dept_a, phone=f"1380000000{i}") for i in range(3)]
    before = {row.pk: stored(row) for row in rows}
    history = history_counts()
    with override_settings(PII_ENCRYPTION_KEYS=[NEW, OLD]):
        out, err = rotate("--batch-size", "2")  # two batches
        assert "disclosure.DisclosureRequest（政府信息公开申请）：已轮换 3，已是当前密钥 0，失败 0" in out and not err
        out, _ = rotate()
        assert "已轮换 0，已是当前密钥 3，失败 0" in out  # nothing left to do
        rotate("--check")
    with override_settings(PII_ENCRYPTION_KEYS=[NEW]):  # the old key is gone: every value still opens
        for i, row in enumerate(rows):
            after = stored(row)
            assert after[:2] != before[row.pk][:2] and after[2:] == before[row.pk][2:]
            assert pii.decrypt_current(after[0]) == ID and pii.decrypt_current(after[1]) == f"1380000000{i}"
            loaded = DisclosureRequest.objects.get(pk=row.pk)
            assert (loaded.id_number, loaded.phone) == (ID, f"1380000000{i}")
            assert loaded.submitted_at == row.submitted_at
    assert history_counts() == history  # no history rows: update(), no signals


@pytest.mark.django_db
def test_an_undecryptable_row_is_reported_by_pk_left_alone_and_fails_the_command(org):
    good = DisclosureRequestFactory(department=org.dept_a)
    with override_settings(PII_ENCRYPTION_KEYS=[STRANGER]):
        lost = DisclosureRequestFactory(department=org.dept_a, phone="13900000000")
    lost_before, good_before = stored(lost), stored(good)
    with override_settings(PII_ENCRYPTION_KEYS=[NEW, OLD]):
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError, match="1 行个人信息无法用现有密钥解密"):
            call_command("rotate_pii_keys", stdout=out, stderr=err)
    assert "已轮换 1，已是当前密钥 0，失败 1" in out.getvalue()
    assert f"disclosure.DisclosureRequest 主键 {lost.pk}" in err.getvalue()
    assert "13900000000" not in out.getvalue() + err.getvalue() and lost_before[1] not in err.getvalue()
    assert stored(lost) == lost_before and stored(good) != good_before


@pytest.mark.django_db
def test_dry_run_writes_nothing(org):
    row = DisclosureRequestFactory(department=org.dept_a)
    before = stored(row)
    with override_settings(PII_ENCRYPTION_KEYS=[NEW, OLD]):
        out, _ = rotate("--dry-run")
    assert "待轮换 1" in out and "试运行：未写入任何数据。" in out
    assert stored(row) == before


@pytest.mark.django_db
def test_check_fails_until_every_row_is_under_the_first_key(org):
    row = DisclosureRequestFactory(department=org.dept_a)
    before = stored(row)
    with override_settings(PII_ENCRYPTION_KEYS=[NEW, OLD]):
        with pytest.raises(CommandError, match="请先运行 rotate_pii_keys"):
            rotate("--check")
        assert stored(row) == before  # --check writes nothing
        rotate()
        out, _ = rotate("--check")
    assert "待轮换 0，已是当前密钥 1，无法解密 0" in out


@pytest.mark.django_db
def test_a_failed_read_back_rolls_the_row_back(org, monkeypatch):
    row = DisclosureRequestFactory(department=org.dept_a)
    before = stored(row)
    monkeypatch.setattr(pii, "decrypt_current", lambda token: "something else")
    with override_settings(PII_ENCRYPTION_KEYS=[NEW, OLD]), pytest.raises(CommandError):
        rotate()
    assert stored(row) == before


def test_the_key_cache_follows_the_settings():
    with override_settings(PII_ENCRYPTION_KEYS=[NEW]):
        token = pii.encrypt(ID)
        assert pii.is_current(token)
    with override_settings(PII_ENCRYPTION_KEYS=[OLD, NEW]):
        assert not pii.is_current(token) and pii.decrypt(token) == ID
        assert pii.is_current(pii.rotate(token))


def test_the_middleware_answers_api_clients_in_json(rf, caplog):
    from core.middleware import UndecryptableDataMiddleware

    middleware = UndecryptableDataMiddleware(lambda request: None)
    request = rf.get("/api/v1/anything/", HTTP_ACCEPT="application/json")
    response = middleware.process_exception(request, pii.UndecryptableError("x.Y.phone"))
    assert response.status_code == 503 and json.loads(response.content) == {"detail": pii.OPERATOR_MESSAGE}
    assert middleware.process_exception(request, ValueError("other")) is None
    assert "x.Y.phone" in caplog.text
