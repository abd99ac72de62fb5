"""我要咨询/投诉/建议 shown again after an error keeps every answer (nothing typed is lost) and
offers a Chinese prompt in its department select, never Django's "---------"."""

from __future__ import annotations

import re

import pytest

from interaction.models import Interaction

from .test_public import ask

pytestmark = pytest.mark.django_db


def test_a_refused_question_shows_every_answer_again(client, index_page, iworld):
    shown, refused = ask(client, challenge_answer="99", department=str(iworld.dept_b.pk))
    assert (
        "---------" not in shown.content.decode()
        and '<option value="" selected>请选择部门</option>' in shown.content.decode()
    )
    html = refused.content.decode()
    assert refused.status_code == 200 and "验证问题回答不正确" in html and not Interaction.objects.exists()
    for answer in (
        "营业执照能否网上办",
        "请问个体工商户营业执照能否全程网上办理？",
        "李小龙",
        "139 0000 1111",
        "li@example.cn",
    ):
        assert answer in html, answer
    assert re.search(rf'<option value="{iworld.dept_b.pk}" selected>', html)
    assert re.search(r'name="consent"[^>]*checked', html)
    assert 'name="challenge_answer"' in html and 'name="challenge_answer" value="99"' not in html  # a new question
