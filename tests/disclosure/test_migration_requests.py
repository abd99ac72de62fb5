"""Migration disclosure.0009 keeps every request: the first receipt date from the history, the old
consultation fields as a Consultation, the stored texts as numbered letters, templates by the law."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

D = datetime.date
BEFORE = [("disclosure", "0008_annual_report")]
OLD_REMEDY = (
    "如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法提起行政诉讼。"
)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_upgrade_keeps_every_request_and_its_letters():
    latest = [("disclosure", MigrationExecutor(connection).loader.graph.leaf_nodes("disclosure")[0][1])]
    old = migrate(BEFORE)
    Department = old.get_model("permissions", "Department")
    Request = old.get_model("disclosure", "DisclosureRequest")
    History = old.get_model("disclosure", "HistoricalDisclosureRequest")
    department = Department.objects.create(
        name="示范市迁移局", short_name="迁移局", slug="qianyi", credit_code="11990100MB0000001X", level="city"
    )
    common = {
        "department": department,
        "applicant_type": "person",
        "name": "张三丰",
        "id_type": "resident_id",
        "id_number": "enc",
        "phone": "enc",
        "address": "示范市",
        "description": "某文件",
        "delivery_form": "electronic",
        "delivery_channel": "email",
    }
    # Amended on 9-29, amended application received 10-20 (the old field held 10-20), a third party
    # consulted from 10-23 for 6 working days, replied 11-20.
    amended = Request.objects.create(
        **common,
        tracking_code="YS2222222222",
        received_date=D(2025, 10, 20),
        amendment_requested_at=D(2025, 9, 29),
        amendment_note="请写明文号",
        amendment_deadline=D(2025, 10, 15),
        third_party="某某公司",
        paused_days=6,
        status="closed",
        reply_type="disclosed",
        reply_date=D(2025, 11, 20),
        reply_letter="张三丰：\n同意公开。",
        due_date=D(2025, 11, 25),
    )
    moment = datetime.datetime(2025, 9, 26, 9, tzinfo=datetime.UTC)
    for i, (status, pause) in enumerate([("submitted", None), ("consultation", D(2025, 10, 23)), ("closed", None)]):
        History.objects.create(
            id=amended.pk,
            tracking_code=amended.tracking_code,
            department_id=department.pk,
            applicant_type="person",
            name="张三丰",
            id_type="resident_id",
            address="示范市",
            description="某文件",
            delivery_form="electronic",
            delivery_channel="email",
            channel="online",
            status=status,
            received_date=D(2025, 9, 26) if i == 0 else D(2025, 10, 20),
            pause_started=pause,
            submitted_at=moment,
            history_date=moment + datetime.timedelta(days=i),
            history_type="+" if i == 0 else "~",
            paused_days=0,
            extension_days=0,
        )
    consulting = Request.objects.create(
        **common,
        tracking_code="YS3333333333",
        received_date=D(2025, 11, 3),
        third_party="第三方",
        pause_started=D(2025, 11, 5),
        status="consultation",
    )
    # The templates as 0007 seeded them (this database has them migrated already: put them back).
    Template = old.get_model("disclosure", "ReplyTemplate")
    head = "{name}：\n本机关于{received}收到您提出的政府信息公开申请（查询码：{code}），申请获取“{description}”。\n"
    for reply_type, subreason in [("disclosed", ""), ("other", "other"), ("not_processed", "confirmation")]:
        Template.objects.get_or_create(reply_type=reply_type, subreason=subreason, defaults={"article": "", "body": ""})
    for template in Template.objects.all():
        text = "经审查，现将办理情况告知如下：（请写明处理情况）" if template.subreason == "other" else "同意。"
        template.body = head + f"经审查，{text}\n依据{{article}}的规定，特此告知。\n{OLD_REMEDY}\n{{agency}}\n{{date}}"
        if template.subreason == "confirmation":
            template.article = "《中华人民共和国政府信息公开条例》第三十九条第二款"
        template.save()

    new = migrate(latest)
    Request = new.get_model("disclosure", "DisclosureRequest")
    amended = Request.objects.get(tracking_code="YS2222222222")
    assert (amended.received_date, amended.amendment_received, amended.arrived_date) == (
        D(2025, 9, 26),
        D(2025, 10, 20),
        D(2025, 9, 26),
    )
    consultation = new.get_model("disclosure", "Consultation").objects.get(request=amended)
    assert (consultation.third_party, consultation.sent_on, consultation.excluded_days) == (
        "某某公司",
        D(2025, 10, 23),
        6,
    )
    assert consultation.answered_on == D(2025, 10, 31)  # 6 working days after 10-23
    Letter = new.get_model("disclosure", "Letter")
    kinds = list(Letter.objects.filter(request=amended).order_by("issued_on").values_list("kind", "number", "body"))
    assert kinds == [
        ("amendment", "迁移局依申请公开〔2025〕1号", "请写明文号"),
        ("reply", "迁移局依申请公开〔2025〕2号", "张三丰：\n同意公开。"),
    ]
    open_one = new.get_model("disclosure", "Consultation").objects.get(request__tracking_code="YS3333333333")
    assert open_one.sent_on == D(2025, 11, 5) and open_one.answered_on is None
    assert Request.objects.get(pk=consulting.pk).status == "consultation"
    Template = new.get_model("disclosure", "ReplyTemplate")
    template = Template.objects.get(kind="reply", reply_type="other", subreason="other")
    assert "经审查，经审查" not in template.body and "{remedy}" in template.body and OLD_REMEDY not in template.body
    assert set(Template.objects.exclude(kind="reply").values_list("kind", flat=True)) == {
        "amendment",
        "extension",
        "consultation",
        "fee",
        "merge",
    }
    assert all("{remedy}" in body for body in Template.objects.filter(kind="reply").values_list("body", flat=True))
    confirmation = Template.objects.get(kind="reply", subreason="confirmation")
    assert confirmation.article == "《中华人民共和国政府信息公开条例》第二条、第二十七条"
